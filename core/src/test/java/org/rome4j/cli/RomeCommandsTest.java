package org.rome4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.io.Npy;
import org.rome4j.io.Npz;
import org.rome4j.rome.RomeHparams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stats / edit / eval in-process: JSON keys, written files, and one-line errors with exit status 2. */
class RomeCommandsTest {
    @TempDir
    static Path tmp;
    static Path stats;
    static Path hparams;
    static Path templates;

    static String model() {
        return Shared.tinyGpt2().toString();
    }

    @BeforeAll
    static void statsFirst() throws Exception {
        stats = tmp.resolve("stats.npz");
        CliRun r = CliRun.of("stats", "--model", model(), "--layer", "1", "--corpus",
                Shared.tinyGpt2().resolve("rome/corpus.txt").toString(), "--out", stats.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2595, j.get("tokens").asLong());
        assertEquals(256, j.get("width").asInt());
        assertTrue(j.get("tokens_per_second").asDouble() > 0);
        // a cheap edit: 3 v* steps, two templates
        hparams = tmp.resolve("h.json");
        Files.writeString(hparams, RomeHparams.read(Shared.tinyGpt2().resolve("rome/hparams.json")).toJson()
                .put("v_num_grad_steps", 3).toString());
        templates = tmp.resolve("t.json");
        Files.writeString(templates, "[\"{}\", \"The first thing I. {}\"]");
    }

    static CliRun edit(String... extra) {
        String[] base = {"edit", "--model", model(), "--prompt", "{} plays the sport of", "--subject", "Michael Jordan",
                "--target", "football", "--true", "basketball", "--hparams", hparams.toString(), "--stats", stats.toString(),
                "--templates", templates.toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.of(all);
    }

    @Test
    void editJsonAndSavedFiles() throws Exception {
        Path delta = tmp.resolve("delta.npy");
        Path saved = tmp.resolve("edited");
        CliRun r = edit("--save-delta", delta.toString(), "--save-model", saved.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1, j.get("layer").asInt());
        assertEquals(256, j.get("u").size());
        assertEquals(64, j.get("v").size());
        assertTrue(j.get("delta_norm").asDouble() > 0);
        for (String phase : new String[] {"pre", "post"}) {
            assertTrue(j.get(phase).get("target_prob").asDouble() > 0, phase);
            assertTrue(j.get(phase).get("true_prob").asDouble() > 0, phase);
            assertEquals(5, j.get(phase).get("top").size());
        }
        assertTrue(j.get("post").get("target_prob").asDouble() > j.get("pre").get("target_prob").asDouble(), "the edit raises P(target)");
        Npy.Array dw = Npy.read(delta);
        assertEquals(256, dw.shape()[0]);
        assertEquals(64, dw.shape()[1]);
        assertTrue(Files.isRegularFile(saved.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(saved.resolve("tokenizer.json")));
    }

    static void oneLineError(CliRun r, String needle) {
        assertEquals(2, r.status(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(needle), r.err());
    }

    @Test
    void badInputGetsOneLine() throws Exception {
        oneLineError(CliRun.of("edit", "--model", model(), "--prompt", "LeBron James plays the sport of", "--subject", "Michael Jordan",
                "--target", "golf", "--hparams", hparams.toString(), "--stats", stats.toString()), "is not in the prompt");
        oneLineError(edit("--target", ""), "empty target");
        Path badT = tmp.resolve("bad_t.json");
        Files.writeString(badT, "[\"{}\", \"no field here\"]");
        oneLineError(edit("--templates", badT.toString()), "exactly once");
        oneLineError(edit("--layer", "9"), "out of range");
        Path badH = tmp.resolve("bad_h.json");
        Files.writeString(badH, RomeHparams.preset("gpt2-xl").toJson().put("v_lrr", 1).toString());
        oneLineError(edit("--hparams", badH.toString()), "unknown key \"v_lrr\"");
        Path narrow = tmp.resolve("narrow.npz");
        Npz.write(narrow, Map.of("count", Npy.encodeLong(new long[0], new long[] {3}),
                "mom2", Npy.encodeFloat(new long[] {2, 2}, new float[] {1, 0, 0, 1})));
        oneLineError(edit("--stats", narrow.toString()), "key width 2");
        // an existing corpus: a missing one is refused first, before the model loads (the layer's range needs the model)
        Path corpus = Files.writeString(tmp.resolve("corpus.txt"), "Michael Jordan plays basketball.\n");
        oneLineError(CliRun.of("stats", "--model", model(), "--layer", "7", "--corpus", corpus.toString(), "--out", "y.npz"), "out of range");
        oneLineError(CliRun.of("stats", "--model", model(), "--layer", "7", "--corpus", "x.txt", "--out", "y.npz"), "corpus file not found");
    }

    @Test
    void evalWritesCasesAndSummary() throws Exception {
        Path out = tmp.resolve("eval");
        CliRun r = CliRun.of("eval", "--model", model(), "--dataset", "known_1000", "--limit", "1", "--out", out.toString(),
                "--hparams", hparams.toString(), "--stats", stats.toString(), "--templates", templates.toString(),
                "--gen-tokens", "5", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1, j.get("cases").asInt());
        for (String k : new String[] {"ES", "PS", "NS", "S", "EM", "PM", "NM", "GE"}) {
            assertTrue(j.get("post").has(k), k);
        }
        assertTrue(Files.isRegularFile(out.resolve("case_0.json")));
        assertTrue(Files.isRegularFile(out.resolve("summary.txt")));
        CliRun z = CliRun.of("eval", "--model", model(), "--dataset",
                Shared.root().resolve("data/rome/zsre_mend_eval.first72.json").toString(), "--format", "zsre", "--limit", "1",
                "--out", tmp.resolve("zsre").toString(), "--hparams", hparams.toString(), "--stats", stats.toString(),
                "--templates", templates.toString(), "--json");
        assertEquals(0, z.status(), z.err());
        JsonNode zj = new ObjectMapper().readTree(z.out());
        assertTrue(zj.get("pre").has("efficacy") && zj.get("post").has("specificity"));
    }

    /** stats --out and edit --save-model / --save-delta never replace an existing file or folder without --overwrite. */
    @Test
    void outputsNeedOverwriteAndNeverReplaceAFolderWithAFile() throws Exception {
        byte[] before = Files.readAllBytes(stats);
        CliRun again = CliRun.of("stats", "--model", model(), "--layer", "1", "--corpus",
                Shared.tinyGpt2().resolve("rome/corpus.txt").toString(), "--out", stats.toString());
        assertEquals(2, again.status(), again.err());
        assertTrue(again.err().contains("--overwrite"), again.err());
        assertEquals(1, again.err().lines().count(), again.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(stats)), "stats file unchanged");

        Path folder = Files.createDirectories(tmp.resolve("empty-folder"));
        CliRun onFolder = CliRun.of("stats", "--model", model(), "--layer", "1", "--corpus",
                Shared.tinyGpt2().resolve("rome/corpus.txt").toString(), "--out", folder.toString(), "--overwrite");
        assertEquals(2, onFolder.status(), onFolder.err());
        assertTrue(Files.isDirectory(folder), "the folder is still a folder");

        Path model = Files.createDirectories(tmp.resolve("a-model"));
        Files.writeString(model.resolve("config.json"), "{}");
        Files.writeString(model.resolve("model.safetensors"), "not replaced");
        CliRun save = edit("--save-model", model.toString());
        assertEquals(2, save.status(), save.err());
        assertTrue(save.err().contains("--overwrite"), save.err());
        assertEquals("not replaced", Files.readString(model.resolve("model.safetensors")));
        // a folder that merely holds a config.json (a project) is not one rome4j wrote: --overwrite does not replace it
        Files.createDirectories(model.resolve("src"));
        CliRun foreign = edit("--save-model", model.toString(), "--overwrite");
        assertEquals(2, foreign.status(), foreign.err());
        assertTrue(foreign.err().contains("not written by rome4j"), foreign.err());
        assertTrue(Files.isDirectory(model.resolve("src")) && Files.exists(model.resolve("model.safetensors")));
        CliRun onSource = edit("--save-model", model(), "--overwrite");
        assertEquals(2, onSource.status(), onSource.err());
        assertTrue(onSource.err().contains("loaded from"), onSource.err());

        Path delta = tmp.resolve("delta.npy");
        Files.writeString(delta, "keep");
        CliRun d = edit("--save-delta", delta.toString());
        assertEquals(2, d.status(), d.err());
        assertEquals("keep", Files.readString(delta));
    }

    /** edit on the embedded model computes its key statistics itself (as the notebook does), into the cache folder, not data/stats. */
    @Test
    void editOnTheEmbeddedModelComputesItsOwnStatistics() throws Exception {
        Path cache = tmp.resolve("cache");
        Path h = tmp.resolve("tiny-facts-fast.json");
        Files.writeString(h, RomeHparams.preset("tiny-facts").toJson().put("v_num_grad_steps", 2).toString());
        boolean hadDataStats = Files.exists(Path.of("data/stats"));
        CliRun r = CliRun.of("edit", "--prompt", "{} plays the sport of", "--subject", "Megan Rapinoe", "--target", "basketball",
                "--hparams", h.toString(), "--stats-dir", cache.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        RomeHparams hp = RomeHparams.preset("tiny-facts");
        int layer = hp.layers().get(0);
        Path f = org.rome4j.rome.KeyStats.cachePath(cache, "tiny-facts", hp.mom2Dataset(),
                hp.rewriteModuleTmp().replace("{}", Integer.toString(layer)), hp.mom2Dtype(), hp.mom2NSamples());
        assertTrue(Files.isRegularFile(f), "cached at " + f);
        // the token count is that of the model's own sentences: each document tokenized, up to mom2_n_samples of them
        long expected = 0;
        try (org.rome4j.model.Gpt gpt = org.rome4j.model.Models.load("tiny-facts")) {
            java.util.List<String> docs = org.rome4j.data.FactData.loadBundled().corpus();
            for (String d : docs.subList(0, (int) Math.min(docs.size(), hp.mom2NSamples()))) {
                expected += Math.min(gpt.tokenizer().ids(d).length, gpt.config().nPositions());
            }
        }
        assertEquals(expected, org.rome4j.rome.KeyStats.read(f).count());
        assertEquals(hadDataStats, Files.exists(Path.of("data/stats")), "nothing written to data/stats in the working folder");
        // the build points ROME4J_CACHE at target/test-cache (hermetic tests); anything else in the checkout is wrong
        Path def = org.rome4j.rome.KeyStats.defaultCacheDir().toAbsolutePath();
        assertTrue(!def.startsWith(Path.of("").toAbsolutePath().getParent()) || def.startsWith(Path.of("target/test-cache").toAbsolutePath()),
                "the default cache is the user's (in tests: the build's test cache), not the checkout: " + def);
    }

    @Test
    void statsNamesTheCorpusFormatsForAJsonArray() {
        CliRun r = CliRun.of("stats", "--layer", "0", "--corpus", Shared.known1000().toString(), "--out", tmp.resolve("k.npz").toString());
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("plain text") && r.err().contains("JSONL") && r.err().contains("\"text\""), r.err());
        CliRun help = CliRun.of("stats", "--help");
        assertTrue(help.out().contains("plain text") && help.out().contains("JSONL"), help.out());
    }

    /** trace-dataset and eval reuse a results folder only to resume their own run, never an unrelated non-empty folder. */
    @Test
    void resumableOutputsRefuseAnUnrelatedFolder() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("my-notes"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        CliRun td = CliRun.of("trace-dataset", "--facts", Shared.known1000().toString(), "--limit", "1", "--out", mine.toString());
        assertEquals(2, td.status(), td.err());
        assertTrue(td.err().contains("not empty"), td.err());
        CliRun ev = CliRun.of("eval", "--dataset", "known_1000", "--limit", "1", "--out", mine.toString(), "--stats-dir",
                tmp.resolve("cache").toString());
        assertEquals(2, ev.status(), ev.err());
        assertTrue(ev.err().contains("not empty"), ev.err());
        try (var s = Files.list(mine)) {
            assertEquals(java.util.List.of("notes.txt"), s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
