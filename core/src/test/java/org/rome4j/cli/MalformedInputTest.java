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

        List<DynamicTest> tests = new ArrayList<>();
        for (Cmd c : commands(good)) {
            tests.add(bad(c, "unknown option", c.base(), "--bogus", "1"));
            tests.add(bad(c, "missing value", c.base(), "--model"));
            tests.add(bad(c, "stray word", c.base(), "stray"));
            if (!c.name().equals("facts")) tests.add(bad(c, "no arguments"));   // facts alone checks the model's own facts
            for (Map.Entry<String, Path> m : models.entrySet()) tests.add(bad(c, m.getKey(), c.base(), "--model", m.getValue().toString()));
            for (String opt : c.ints()) {
                for (String v : List.of("abc", "-7", "99999999999999", "1.5", "")) tests.add(bad(c, "--" + opt + " " + v, c.base(), "--" + opt, v));
            }
            for (String opt : c.files()) {
                for (Map.Entry<String, Path> b : bad.entrySet()) {
                    tests.add(bad(c, "--" + opt + " " + b.getKey(), c.base(), "--" + opt, b.getValue().toString()));
                }
            }
        }
        return tests.stream();
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
