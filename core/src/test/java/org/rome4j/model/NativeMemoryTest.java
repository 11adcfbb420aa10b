package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.intervene.Cells;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.rome.Autograd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every array of a forward lives in its scope: loops leave nothing behind and do not grow RSS. The loop
 * runs in a child JVM with a fixed, pre-touched heap, so RSS growth there is native memory, not heap.
 */
class NativeMemoryTest {

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no VmRSS");
    }

    /** Child: 50 warm-up iterations, then 500 more (1,000 forwards) and a generation; prints the numbers. */
    public static void main(String[] args) throws Exception {
        Djl.init();
        try (Gpt gpt = Gpt.load(Path.of(args[0]))) {
            long[] ids = gpt.tokenizer().ids("Apple was founded by");
            int before = gpt.parameters().manager().getManagedArrays().size();
            Runnable one = () -> {
                try (NDManager s = gpt.newScope()) {
                    Output clean = gpt.forward(s, Batch.of(ids),
                            Interventions.builder().record(Site.layerOut(1)).stopAfter(Site.layerOut(1)).build());
                    NDArray v = clean.get(Site.layerOut(1)).get(new NDIndex("0, 1"));
                    gpt.forwardLast(s, Batch.right(List.of(ids, ids), 50256),
                            Interventions.builder().replace(Site.layerOut(1), Cells.at(1, 1), v).build()).logits().toFloatArray();
                }
            };
            for (int i = 0; i < 50; i++) one.run();
            long rss0 = rssKb();
            for (int i = 0; i < 500; i++) one.run();
            Generator.builder().maxNewTokens(30).stopAtEos(false).build().generate(gpt, List.of("The Eiffel Tower is in"));
            long grown = rssKb() - rss0;
            int after = gpt.parameters().manager().getManagedArrays().size();
            System.out.println("RESULT " + grown + " " + before + " " + after);
        }
    }

    /**
     * Arrays alive in a forward's scope (its sub-managers included) when each block finishes, seen by a hook at
     * every {@code layer.{i}.out}: outside autograd a block's temporaries are freed when it ends, so the count
     * stays flat from block to block; under autograd the tape keeps them, so it grows by a block's worth each time.
     */
    @Test
    void aForwardHoldsOneBlocksTemporariesAtATime() throws Exception {
        try (Gpt gpt = Gpt.load(Shared.tinyGpt2())) {
            long[] ids = gpt.tokenizer().ids("The Eiffel Tower is located in the city of");
            int[] inference = liveAtEachBlock(gpt, ids);
            int[] taped = Autograd.run(gc -> liveAtEachBlock(gpt, ids));
            int n = inference.length;
            assertEquals(4, n);
            for (int i = 2; i < n; i++) {
                assertEquals(inference[1], inference[i], "arrays alive after block " + i + ": " + Arrays.toString(inference));
            }
            int perBlock = taped[2] - taped[1];
            assertTrue(perBlock > 10, "a block's temporaries under autograd: " + Arrays.toString(taped));
            assertEquals(taped[1] + (n - 2) * perBlock, taped[n - 1], "under autograd they add up: " + Arrays.toString(taped));
            // the same logits either way
            try (NDManager s = gpt.newScope()) {
                float[] a = gpt.forwardLast(s, Batch.of(ids), Interventions.NONE).logits().toFloatArray();
                float[] b = Autograd.run(gc -> gpt.forwardLast(s, Batch.of(ids), Interventions.NONE).logits().toFloatArray());
                assertArrayEquals(a, b);
            }
        }
    }

    private static int[] liveAtEachBlock(Gpt gpt, long[] ids) {
        int n = gpt.nLayer();
        int[] live = new int[n];
        Interventions.Builder b = Interventions.builder();
        for (int i = 0; i < n; i++) {
            int layer = i;
            b.apply(Site.layerOut(i), (ctx, x) -> {
                live[layer] = ctx.scope().getManagedArrays().size();
                return x;
            });
        }
        try (NDManager s = gpt.newScope()) {
            gpt.forwardLast(s, Batch.of(ids), b.build());
        }
        return live;
    }

    @Test
    void thousandForwardsLeaveNoArraysAndFlatRss() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), NativeMemoryTest.class.getName(), Shared.tinyGpt2().toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "child finished");
        String result = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow(() -> new AssertionError(out));
        String[] f = result.split(" ");
        long grownKb = Long.parseLong(f[1]);
        assertEquals(f[2], f[3], "arrays left in the model's manager");
        assertTrue(grownKb < 24 * 1024, "RSS grew by " + grownKb / 1024 + " MB over 1000 forwards");
    }
}
