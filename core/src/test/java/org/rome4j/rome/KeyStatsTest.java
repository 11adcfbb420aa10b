package org.rome4j.rome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.io.Npy;
import org.rome4j.io.Npz;
import org.rome4j.model.Gpt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key statistics against the original's layer_stats on the golden corpus (205 texts, 2595 tokens). */
class KeyStatsTest {
    static Path dir;
    static Gpt gpt;
    static JsonNode mom2;
    static List<long[]> docsInGoldenOrder = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        dir = Shared.tinyGpt2().resolve("rome");
        gpt = Gpt.load(Shared.tinyGpt2());
        mom2 = new ObjectMapper().readTree(dir.resolve("rome.json").toFile()).get("mom2");
        List<String> lines = Files.readAllLines(dir.resolve("corpus.txt")).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(205, lines.size());
        JsonNode goldenIds = mom2.get("corpus_token_ids");
        for (JsonNode i : mom2.get("sample_order")) docsInGoldenOrder.add(gpt.tokenizer().ids(lines.get(i.asInt())));
        // the golden token ids are listed per corpus line; ours must be identical
        for (int i = 0; i < lines.size(); i++) {
            long[] want = new long[goldenIds.get(i).size()];
            for (int k = 0; k < want.length; k++) want[k] = goldenIds.get(i).get(k).asLong();
            assertArrayEquals(want, gpt.tokenizer().ids(lines.get(i)), "token ids of corpus line " + i);
        }
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    static double relErr(double[] golden, double[] ours) {
        double m = 0;
        double s = 0;
        for (int i = 0; i < golden.length; i++) {
            m = Math.max(m, Math.abs(golden[i] - ours[i]));
            s = Math.max(s, Math.abs(golden[i]));
        }
        return m / s;
    }

    @Test
    void float32And64MatchLayerStats() throws Exception {
        for (String p : List.of("float32", "float64")) {
            KeyStats s = KeyStats.collector(gpt, 1).optPrecision(p).collectIds(docsInGoldenOrder.iterator());
            assertEquals(mom2.get("count_tokens").asLong(), s.count(), "token count");
            assertEquals(256, s.width());
            double err = relErr(Npy.read(dir.resolve("mom2_" + p + ".npy")).data(), s.moment());
            System.out.printf("mom2 %s max relative error %.3g%n", p, err);
            assertTrue(err < 1e-4, p + " mom2 relative error " + err);
        }
    }

    @Test
    void corpusFileStreamingAndInverse(@TempDir Path tmp) throws Exception {
        long[] progress = {0};
        KeyStats s = KeyStats.collector(gpt, 1).optTokensPerBatch(256).optListener((d, t, m) -> progress[0] = d)
                .collect(KeyStats.corpus(List.of(dir.resolve("corpus.txt"))));
        assertEquals(205, progress[0]);
        assertEquals(2595, s.count());
        double err = relErr(Npy.read(dir.resolve("mom2_float32.npy")).data(), s.moment());
        assertTrue(err < 1e-4, "mom2 relative error " + err);
        // C⁻¹ of the golden C equals the golden's torch.inverse
        KeyStats golden = KeyStats.ofMoment(Npy.read(dir.resolve("mom2_float32.npy")).data(), 256, 2595, "float32");
        float[] inv = golden.inverse();
        float[] want = Npy.read(dir.resolve("mom2_inverse_float32.npy")).floats();
        double m = 0;
        double sc = 0;
        for (int i = 0; i < inv.length; i++) {
            m = Math.max(m, Math.abs(inv[i] - want[i]));
            sc = Math.max(sc, Math.abs(want[i]));
        }
        assertTrue(m / sc < 1e-3, "inverse relative error " + m / sc);

        // JSONL with a text field gives the same documents
        Path jsonl = tmp.resolve("c.jsonl");
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("corpus.txt"))) {
            if (!l.isBlank()) lines.add(new ObjectMapper().writeValueAsString(Map.of("text", l)));
        }
        Files.write(jsonl, lines);
        KeyStats j = KeyStats.collector(gpt, 1).optSamples(10).collect(KeyStats.corpus(List.of(jsonl)));
        KeyStats p = KeyStats.collector(gpt, 1).optSamples(10).collect(KeyStats.corpus(List.of(dir.resolve("corpus.txt"))));
        assertEquals(p.count(), j.count());
        assertArrayEquals(p.sum(), j.sum(), 0.0);
    }

    @Test
    void npzInTheOriginalLayoutRoundTrips(@TempDir Path tmp) throws Exception {
        KeyStats s = KeyStats.collector(gpt, 1).optSamples(20).collectIds(docsInGoldenOrder.iterator());
        Path f = KeyStats.cachePath(tmp, "tiny-gpt2", "wikipedia", "transformer.h.1.mlp.c_proj", "float32", 20);
        assertTrue(f.toString().endsWith("tiny-gpt2/wikipedia_stats/transformer.h.1.mlp.c_proj_float32_mom2_20.npz"));
        s.write(f);
        assertTrue(Npz.keys(f).containsAll(List.of("mom2.count", "mom2.mom2")));
        KeyStats back = KeyStats.read(f);
        assertEquals(s.count(), back.count());
        assertArrayEquals(s.sum(), back.sum(), 0.0);
        // plain keys count / mom2 are accepted too
        Path plain = tmp.resolve("plain.npz");
        float[] sum = KeyStats.toFloat(s.sum());
        Npz.write(plain, Map.of("count", Npy.encodeLong(new long[0], new long[] {s.count()}),
                "mom2", Npy.encodeFloat(new long[] {256, 256}, sum)));
        assertArrayEquals(s.sum(), KeyStats.read(plain).sum(), 0.0);
        // a file for another width is refused with a message naming the fix
        Path other = tmp.resolve("other.npz");
        Npz.write(other, Map.of("count", Npy.encodeLong(new long[0], new long[] {3}),
                "mom2", Npy.encodeFloat(new long[] {2, 2}, new float[] {1, 0, 0, 1})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyStats.read(other).checkWidth(gpt, other));
        assertTrue(e.getMessage().contains("key width 2") && e.getMessage().contains("rome4j stats"), e.getMessage());
    }

    @Test
    void cancellationStopsBetweenBatches() {
        assertThrows(CancellationException.class, () -> KeyStats.collector(gpt, 1).optTokensPerBatch(64).optCancellation(cancelled())
                .collectIds(docsInGoldenOrder.iterator()));
        assertThrows(IllegalArgumentException.class, () -> KeyStats.collector(gpt, 4));
    }

    private static org.rome4j.progress.CancellationToken cancelled() {
        org.rome4j.progress.CancellationToken t = new org.rome4j.progress.CancellationToken();
        t.cancel();
        return t;
    }
}
