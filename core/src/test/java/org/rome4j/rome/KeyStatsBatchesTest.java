package org.rome4j.rome;

import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link KeyStats#batchStarts} predicts the groups the collector forms (a Spark job splits the corpus there). */
class KeyStatsBatchesTest {
    @Test
    void batchStartsAreTheCollectorsBatches() throws Exception {
        List<String> docs = Files.readAllLines(Shared.tinyGpt2().resolve("rome/corpus.txt")).stream().filter(l -> !l.isBlank()).toList();
        try (Gpt gpt = Models.load("tiny-facts")) {
            int ctx = gpt.config().nPositions();
            int[] lengths = docs.stream().mapToInt(d -> Math.min(ctx, gpt.tokenizer().ids(d).length)).toArray();
            for (int tpb : new int[] {40, 3 * ctx}) {
                List<Integer> ends = new ArrayList<>();      // the collector reports after each group: documents so far
                KeyStats.collector(gpt, 0).optTokensPerBatch(tpb).optListener((done, total, msg) -> ends.add((int) done))
                        .collect(docs.iterator());
                List<Integer> starts = new ArrayList<>();
                starts.add(0);
                starts.addAll(ends.subList(0, ends.size() - 1));   // the last report is the end of the corpus
                assertArrayEquals(starts.stream().mapToInt(Integer::intValue).toArray(), KeyStats.batchStarts(lengths, tpb), "tokens per batch " + tpb);
                if (tpb == 40) assertTrue(starts.size() > 3, "several groups");
            }
        }
    }
}
