package org.rome4j.rome;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.data.Corpus;
import org.rome4j.data.ParquetFiles;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector over a real corpus: several layers in one pass, the original's seeded sample from text,
 * JSONL and Parquet alike, and checkpoints that resume an interrupted run to the same sums.
 */
class KeyStatsCollectorTest {
    static Gpt gpt;
    static Path corpusTxt;
    static List<String> lines;

    @BeforeAll
    static void load() throws Exception {
        gpt = Gpt.load(Shared.tinyGpt2());
        corpusTxt = Shared.tinyGpt2().resolve("rome/corpus.txt");
        lines = Files.readAllLines(corpusTxt).stream().filter(l -> !l.isBlank()).toList();
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    @Test
    void severalLayersInOnePassEqualOneLayerAtATime() {
        Map<Integer, KeyStats> both = KeyStats.collector(gpt, List.of(3, 1)).optTokensPerBatch(200).optPrecision("float64")
                .collectLayers(lines.iterator());
        assertEquals(List.of(1, 3), new ArrayList<>(both.keySet()));
        for (int layer : List.of(1, 3)) {
            KeyStats one = KeyStats.collector(gpt, layer).optTokensPerBatch(200).optPrecision("float64").collect(lines.iterator());
            assertEquals(one.count(), both.get(layer).count());
            assertArrayEquals(one.sum(), both.get(layer).sum(), 0.0, "layer " + layer + " bit for bit");
        }
        assertNotEquals(both.get(1).sum()[0], both.get(3).sum()[0], "two different layers");
        assertThrows(IllegalStateException.class, () -> KeyStats.collector(gpt, List.of(1, 3)).collect(lines.iterator()));
    }

    /** The sample is Python's random.Random(1).shuffle(range(205))[:20], the same from text, JSONL and Parquet. */
    @Test
    void sampleIsTheOriginalsDrawInEveryFormat(@TempDir Path tmp) throws Exception {
        // CPython: random.Random(1).shuffle(list(range(205)))[:20]
        int[] drawn = {14, 188, 83, 160, 80, 173, 87, 150, 159, 111, 158, 32, 79, 163, 191, 20, 36, 19, 86, 139};
        List<String> chosen = new ArrayList<>();
        java.util.Arrays.stream(drawn).sorted().forEach(i -> chosen.add(lines.get(i)));
        KeyStats want = KeyStats.collector(gpt, 2).collect(chosen.iterator());

        Path jsonl = tmp.resolve("c.jsonl");
        List<String> js = new ArrayList<>();
        for (String l : lines) js.add(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("text", l)));
        Files.write(jsonl, js);
        Path parquet = tmp.resolve("c.parquet");
        ParquetFiles.write(parquet, lines, CompressionCodecName.SNAPPY, 2048, "text");
        for (Path f : List.of(corpusTxt, jsonl, parquet)) {
            KeyStats got = KeyStats.collector(gpt, 2).collectLayers(Corpus.of(List.of(f)), 20, 1).get(2);
            assertEquals(want.count(), got.count(), f.toString());
            assertArrayEquals(want.sum(), got.sum(), 0.0, f.toString());
        }
        KeyStats first20 = KeyStats.collector(gpt, 2).optSamples(20).collect(lines.iterator());
        assertNotEquals(want.count(), first20.count(), "a sample, not the first 20");
    }

    @Test
    void anInterruptedRunResumesToTheSameSums(@TempDir Path tmp) throws Exception {
        Corpus corpus = Corpus.of(List.of(corpusTxt));
        for (String precision : List.of("float64", "float32")) {
            Map<Integer, KeyStats> whole = collector(precision).collectLayers(corpus, 150, 1);
            Path ckpt = tmp.resolve("run-" + precision + ".ckpt.npz");
            CancellationToken cancel = new CancellationToken();
            long[] stoppedAt = {0};
            assertThrows(CancellationException.class, () -> collector(precision).optCheckpoint(ckpt, 20)
                    .optListener((done, total, m) -> {
                        if (done >= 70 && !cancel.isCancelled()) {
                            stoppedAt[0] = done;
                            cancel.cancel();
                        }
                    }).optCancellation(cancel).collectLayers(corpus, 150, 1));
            assertTrue(Files.isRegularFile(ckpt), "a checkpoint is left for the rerun");
            List<String> messages = new ArrayList<>();
            long[] firstDone = {-1};
            Map<Integer, KeyStats> resumed = collector(precision).optCheckpoint(ckpt, 20).optListener((done, total, m) -> {
                if (firstDone[0] < 0) firstDone[0] = done;
                messages.add(m);
            }).collectLayers(corpus, 150, 1);
            assertTrue(messages.get(0).startsWith("resumed from checkpoint"), messages.get(0));
            assertEquals(stoppedAt[0], firstDone[0], "resumed where it stopped");
            for (int layer : List.of(0, 2)) {
                assertEquals(whole.get(layer).count(), resumed.get(layer).count());
                assertArrayEquals(whole.get(layer).sum(), resumed.get(layer).sum(), 0.0, precision + " layer " + layer + " bit for bit");
            }
            assertFalse(Files.exists(ckpt), "removed when the run completes");
        }
    }

    @Test
    void aCheckpointOfAnotherRunIsNotTaken(@TempDir Path tmp) throws Exception {
        Path txt = tmp.resolve("c.txt");
        Files.write(txt, lines);
        Corpus corpus = Corpus.of(List.of(txt));
        Path ckpt = tmp.resolve("ckpt.npz");
        interrupt(collector("float64"), corpus, 150, 1, ckpt);
        // another seed, another precision, other layers, another corpus content: each starts afresh
        List<Runnable> others = List.of(
                () -> check(collector("float64"), corpus, 150, 2, ckpt),
                () -> check(collector("float32"), corpus, 150, 1, ckpt),
                () -> check(KeyStats.collector(gpt, List.of(0, 1)).optTokensPerBatch(64).optPrecision("float64"), corpus, 150, 1, ckpt),
                () -> check(collector("float64"), corpus, 120, 1, ckpt));
        for (Runnable r : others) {
            interrupt(collector("float64"), corpus, 150, 1, ckpt);
            r.run();
        }
        interrupt(collector("float64"), corpus, 150, 1, ckpt);
        Files.writeString(txt, "one more document\n", java.nio.file.StandardOpenOption.APPEND);
        check(collector("float64"), Corpus.of(List.of(txt)), 150, 1, ckpt);
    }

    private static KeyStats.Collector collector(String precision) {
        return KeyStats.collector(gpt, List.of(0, 2)).optTokensPerBatch(64).optPrecision(precision);
    }

    private static void interrupt(KeyStats.Collector c, Corpus corpus, long samples, long seed, Path ckpt) {
        CancellationToken cancel = new CancellationToken();
        assertThrows(CancellationException.class, () -> c.optCheckpoint(ckpt, 10).optCancellation(cancel)
                .optListener((done, total, m) -> {
                    if (done >= 50) cancel.cancel();
                }).collectLayers(corpus, samples, seed));
        assertTrue(Files.isRegularFile(ckpt));
    }

    /** A run with a foreign checkpoint in place starts afresh and equals a run without one. */
    private static void check(KeyStats.Collector c, Corpus corpus, long samples, long seed, Path ckpt) {
        List<String> messages = new ArrayList<>();
        Map<Integer, KeyStats> got = c.optCheckpoint(ckpt, 10).optListener((d, t, m) -> messages.add(m)).collectLayers(corpus, samples, seed);
        assertFalse(messages.get(0).startsWith("resumed"), "another run's checkpoint is not taken: " + messages.get(0));
        Map<Integer, KeyStats> fresh = c.optCheckpoint(ckpt.resolveSibling("unused.npz"), 1000).optListener((d, t, m) -> { })
                .collectLayers(corpus, samples, seed);
        for (int layer : fresh.keySet()) assertArrayEquals(fresh.get(layer).sum(), got.get(layer).sum(), 0.0);
    }
}
