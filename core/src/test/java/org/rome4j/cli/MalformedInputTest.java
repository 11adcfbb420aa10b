package org.rome4j.cli;

import org.rome4j.FileSnapshot;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Generated cases: every command gets each kind of malformed argument and file (unknown option, missing
 * value, bad numbers, stray words, missing, empty, binary, wrong-JSON, folder-instead-of-file inputs,
 * broken model folders) and must answer with exit status 2, exactly one line on stderr, no Java class
 * name or stack frame, and no file created or changed (in the test's folder and in the cache: every input is checked
 * before statistics are computed).
 */
class MalformedInputTest {
    private static final Pattern JAVA_NAME = Pattern.compile("\\w+Exception\\b|\\w+Error\\b|\\bat [a-z]+\\.|\\b(java|javax|org|com|ai)\\.[a-z]+\\.|\\$\\w");

    @TempDir
    static Path tmp;

    /** Command → valid arguments (before the one malformed part), its integer options, its file options. */
    private record Cmd(String name, List<String> base, List<String> ints, List<String> files) { }

    private static List<Cmd> commands(Map<String, Path> f) {
        String facts = f.get("facts").toString();
        String out = tmp.resolve("out-never-written").toString();
        return List.of(
                new Cmd("logits", List.of("--prompt", "The Eiffel Tower is in"), List.of(), List.of()),
                new Cmd("generate", List.of("--prompt", "The Eiffel Tower is in"), List.of("max-new-tokens", "top-k"), List.of()),
                new Cmd("facts", List.of("--facts", facts), List.of("batch"), List.of("facts")),
                new Cmd("trace", List.of("--prompt", "Megan Rapinoe plays the sport of", "--subject", "Megan Rapinoe"),
                        List.of("window", "samples", "max-rows"), List.of("noise-file")),
                new Cmd("trace-dataset", List.of("--facts", facts, "--out", out), List.of("limit", "window", "samples"), List.of("facts")),
                new Cmd("stats", List.of("--layer", "0", "--corpus", f.get("corpus").toString(), "--out", out + ".npz"),
                        List.of("layer", "tokens-per-batch"), List.of("corpus")),
                new Cmd("edit", List.of("--prompt", "{} plays the sport of", "--subject", "Megan Rapinoe", "--target", "soccer"),
                        List.of("layer"), List.of("hparams", "stats", "templates")),
                new Cmd("eval", List.of("--dataset", facts, "--out", out), List.of("limit", "gen-tokens", "layer"),
                        List.of("dataset", "hparams", "stats", "templates")));
    }

    @TestFactory
    Stream<DynamicTest> everyCommandAnswersMalformedInputInOneLine() throws IOException {
        Map<String, Path> good = new LinkedHashMap<>();
        good.put("facts", Files.writeString(tmp.resolve("facts.json"),
                "[{\"known_id\": 0, \"subject\": \"Megan Rapinoe\", \"attribute\": \"soccer\", \"template\": \"{} plays the sport of\", "
                        + "\"prediction\": \" soccer\", \"prompt\": \"Megan Rapinoe plays the sport of\", \"relation_id\": \"P641\"}]"));
        good.put("corpus", Files.writeString(tmp.resolve("corpus.txt"), "Megan Rapinoe plays soccer.\n"));
        Map<String, Path> bad = new LinkedHashMap<>();
        bad.put("missing", tmp.resolve("no-such-file.json"));
        bad.put("empty", Files.write(tmp.resolve("empty.json"), new byte[0]));
        bad.put("binary", Files.write(tmp.resolve("binary.npz"), new byte[] {0x50, 0x4b, 3, 4, (byte) 0xff, 0, 1, 2, 3, 9, 9, 9}));
        bad.put("notjson", Files.writeString(tmp.resolve("notjson.json"), "{\"a\": [1, 2"));
        bad.put("wrongjson", Files.writeString(tmp.resolve("wrong.json"), "{\"layers\": {\"a\": 1}, \"prompt\": 3}"));
        bad.put("array", Files.writeString(tmp.resolve("array.json"), "[1, \"x\", null]"));
        bad.put("folder", Files.createDirectories(tmp.resolve("a-folder")));
        bad.put("npy", Files.write(tmp.resolve("bad.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 5, 0, '{', '}'}));
        Map<String, Path> models = new LinkedHashMap<>();
        models.put("no model folder", tmp.resolve("no-model"));
        models.put("empty model folder", Files.createDirectories(tmp.resolve("empty-model")));
        Path garbage = Files.createDirectories(tmp.resolve("garbage-model"));
        Files.writeString(garbage.resolve("config.json"), "{\"n_layer\": \"four\"}");
        models.put("bad config", garbage);
        Path truncated = Files.createDirectories(tmp.resolve("truncated-model"));
        Files.copy(org.rome4j.model.Models.resolve("tiny-facts").resolve("config.json"), truncated.resolve("config.json"));
        Files.write(truncated.resolve("model.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        models.put("truncated weights", truncated);
        models.put("a file as model", good.get("corpus"));
        Map<String, Path> spoiled = new LinkedHashMap<>();
        roundTwoModels(spoiled);

        List<DynamicTest> tests = new ArrayList<>();
        for (Cmd c : commands(good)) {
            tests.add(bad(c, "unknown option", c.base(), "--bogus", "1"));
            tests.add(bad(c, "missing value", c.base(), "--model"));
            tests.add(bad(c, "stray word", c.base(), "stray"));
            if (!c.name().equals("facts")) tests.add(bad(c, "no arguments"));   // facts alone checks the model's own facts
            for (Map.Entry<String, Path> m : models.entrySet()) tests.add(bad(c, m.getKey(), c.base(), "--model", m.getValue().toString()));
            if (List.of("logits", "trace", "eval").contains(c.name())) {   // one loader for all: three commands' paths suffice
                for (Map.Entry<String, Path> m : spoiled.entrySet()) tests.add(bad(c, m.getKey(), c.base(), "--model", m.getValue().toString()));
            }
            for (String opt : c.ints()) {
                // "\u0663" is the Arabic-Indic digit three: Java's number parser takes it, a count typed so is a mistake
                for (String v : List.of("abc", "-7", "99999999999999", "1.5", "", "\u0663", "1\u0663")) {
                    tests.add(bad(c, "--" + opt + " " + v, c.base(), "--" + opt, v));
                }
            }
            for (String opt : c.files()) {
                for (Map.Entry<String, Path> b : bad.entrySet()) {
                    tests.add(bad(c, "--" + opt + " " + b.getKey(), c.base(), "--" + opt, b.getValue().toString()));
                }
            }
        }
        return tests.stream();
    }

    /**
     * Round two of hostile model folders (each a copy of the embedded tiny-facts with one part spoiled): config values
     * of the wrong type or out of range, rotary settings that cannot be computed, weights holding NaN or an infinity,
     * a tokenizer without a vocabulary. Each must be refused before anything is computed.
     */
    private static void roundTwoModels(Map<String, Path> models) throws IOException {
        Path tiny = org.rome4j.model.Models.resolve("tiny-facts");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(tiny.resolve("config.json").toFile());
        Map<String, String> gpt2 = new LinkedHashMap<>();
        gpt2.put("n_layer 4.7", "\"n_layer\": 4.7");
        gpt2.put("n_layer true", "\"n_layer\": true");
        gpt2.put("n_layer 1e9", "\"n_layer\": 1e9");
        gpt2.put("n_embd as text", "\"n_embd\": \"64\"");
        gpt2.put("vocab_size 2^40", "\"vocab_size\": 1099511627776");
        gpt2.put("layer_norm_epsilon as text", "\"layer_norm_epsilon\": \"1e-5\"");
        gpt2.put("layer_norm_epsilon 0", "\"layer_norm_epsilon\": 0");
        gpt2.put("tie_word_embeddings as text", "\"tie_word_embeddings\": \"yes\"");
        for (Map.Entry<String, String> e : gpt2.entrySet()) {
            var c = config.deepCopy();
            c.setAll((com.fasterxml.jackson.databind.node.ObjectNode) json.readTree("{" + e.getValue() + "}"));
            models.put("config " + e.getKey(), spoiled(tiny, e.getKey(), "config.json", json.writeValueAsBytes(c)));
        }
        String llama = "{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_attention_heads\": 4, \"num_hidden_layers\": 2, "
                + "\"intermediate_size\": 128, \"vocab_size\": 100, ";
        Map<String, String> rope = new LinkedHashMap<>();
        rope.put("rope_theta 0", "\"rope_theta\": 0}");
        rope.put("rope_theta negative", "\"rope_theta\": -10000}");
        rope.put("rope_theta as text", "\"rope_theta\": \"10000\"}");
        rope.put("rope_scaling llama3 without its fields", "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}}");
        rope.put("rope_scaling linear factor 0", "\"rope_scaling\": {\"type\": \"linear\", \"factor\": 0}}");
        rope.put("rope_scaling as text", "\"rope_scaling\": \"llama3\"}");
        for (Map.Entry<String, String> e : rope.entrySet()) {
            models.put("config " + e.getKey(), spoiled(tiny, e.getKey(), "config.json", (llama + e.getValue()).getBytes()));
        }
        // weights: the first float of the first tensor's data made NaN, then +infinity (float32, little-endian)
        byte[] weights = Files.readAllBytes(tiny.resolve("model.safetensors"));
        long header = java.nio.ByteBuffer.wrap(weights, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        int data = (int) (8 + header);
        for (Map.Entry<String, Integer> e : Map.of("NaN", 0x7fc00000, "infinite", 0x7f800000).entrySet()) {
            byte[] w = weights.clone();
            java.nio.ByteBuffer.wrap(w, data, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(e.getValue());
            models.put(e.getKey() + " weights", spoiled(tiny, e.getKey() + "-weights", "model.safetensors", w));
        }
        var tok = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(tiny.resolve("tokenizer.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) tok.get("model")).putObject("vocab");
        models.put("tokenizer without vocabulary", spoiled(tiny, "empty-vocab", "tokenizer.json", json.writeValueAsBytes(tok)));
    }

    /** A copy of a model folder with one file replaced. */
    private static Path spoiled(Path model, String name, String file, byte[] content) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("spoiled-" + name.replaceAll("[^A-Za-z0-9]+", "-")));
        try (var files = Files.list(model)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.write(dir.resolve(file), content);
        return dir;
    }

    /** The rome4j cache folder, created (the embedded model is unpacked there before the cases run). */
    private static Path cache() throws IOException {
        return Files.createDirectories(org.rome4j.io.CacheDirs.rome4j("."));
    }

    private static DynamicTest bad(Cmd c, String what, List<String> base, String... extra) {
        List<String> argv = new ArrayList<>();
        argv.add(c.name());
        argv.addAll(base);
        argv.addAll(List.of(extra));
        return bad(c.name() + ": " + what, argv);
    }

    private static DynamicTest bad(Cmd c, String what) {
        return bad(c.name() + ": " + what, List.of(c.name(), "--json"));
    }

    /** The cache's files but its run locks (empty files that say which output a run holds, not computed results). */
    private static Map<String, String> withoutLocks(Map<String, String> files) {
        Map<String, String> out = new java.util.TreeMap<>(files);
        out.keySet().removeIf(k -> k.equals("locks") || k.startsWith("locks/"));
        return out;
    }

    private static DynamicTest bad(String label, List<String> argv) {
        return DynamicTest.dynamicTest(label, () -> {
            Map<String, String> before = FileSnapshot.of(tmp);
            // the build gives tests their own cache (ROME4J_CACHE), empty but for the unpacked model: nothing is computed into it
            Map<String, String> cacheBefore = withoutLocks(FileSnapshot.of(cache()));
            CliRun r = CliRun.of(argv.toArray(String[]::new));
            if (System.getenv("ROME4J_SHOW_ERRORS") != null) System.out.println(label + " => " + r.err().strip());
            String err = r.err().strip();
            assertEquals(2, r.status(), label + " -> " + r.err());
            assertEquals(1, err.lines().count(), label + " -> " + r.err());
            assertFalse(JAVA_NAME.matcher(err).find(), label + ": a Java name in \"" + err + "\"");
            assertFalse(err.matches("rome4j (\\S+): \\1: .*"), label + ": repeated command name in " + err);
            assertEquals(before, FileSnapshot.of(tmp), label + ": files changed");
            assertEquals(cacheBefore, withoutLocks(FileSnapshot.of(cache())), label + ": the cache changed (statistics computed before the error?)");
        });
    }

}
