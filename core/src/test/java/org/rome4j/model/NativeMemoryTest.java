package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.intervene.Cells;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every array of a forward lives in its scope: loops leave nothing behind and do not grow RSS. */
class NativeMemoryTest {

    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    void thousandForwardsLeaveNoArraysAndFlatRss() throws Exception {
        try (Gpt gpt = Gpt.load(Shared.tinyGpt2())) {
            long[] ids = gpt.tokenizer().ids("Apple was founded by");
            int before = gpt.parameters().manager().getManagedArrays().size();
            Runnable one = () -> {
                try (NDManager s = gpt.newScope()) {
                    Output clean = gpt.forward(s, Batch.of(ids), Interventions.builder().record(Site.layerOut(1)).stopAfter(Site.layerOut(1)).build());
                    NDArray v = clean.get(Site.layerOut(1)).get(new NDIndex("0, 1"));
                    gpt.forwardLast(s, Batch.right(List.of(ids, ids), 50256),
                            Interventions.builder().replace(Site.layerOut(1), Cells.at(1, 1), v).build()).logits().toFloatArray();
                }
            };
            for (int i = 0; i < 50; i++) one.run();
            System.gc();
            long rss0 = rssKb();
            for (int i = 0; i < 500; i++) one.run(); // 1000 forwards
            Generator.builder().maxNewTokens(30).stopAtEos(false).build().generate(gpt, List.of("The Eiffel Tower is in"));
            System.gc();
            long grown = rssKb() - rss0;
            assertEquals(before, gpt.parameters().manager().getManagedArrays().size(), "arrays left in the model's manager");
            assertTrue(grown < 64 * 1024, "RSS grew by " + grown / 1024 + " MB over 1000 forwards");
        }
    }
}
