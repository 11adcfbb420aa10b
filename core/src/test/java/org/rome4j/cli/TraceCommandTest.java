package org.rome4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.io.Npy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rome4j trace} and {@code rome4j trace-dataset} on the tiny golden model. */
class TraceCommandTest {
    static CliRun run(String... argv) {
        return CliRun.of(argv);
    }

    static String model() {
        return Shared.tinyGpt2().toAbsolutePath().toString();
    }

    @Test
    void traceWithTheGoldenNoiseFileGivesTheGoldenScores() throws Exception {
        Path dir = Shared.tinyGpt2();
        CliRun r = run("trace", "--model", model(), "--prompt", "Michael Jordan plays the sport of", "--subject", "Michael Jordan",
                "--kind", "mlp", "--window", "3", "--noise", "1.514000415802002",
                "--noise-file", dir.resolve("causal_trace/michael_jordan_noise_randn_f64.npy").toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (String k : List.of("scores", "low_score", "high_score", "answer", "answer_id", "subject_range", "tokens", "kind",
                "window", "noise")) {
            assertTrue(j.has(k), "missing " + k + " in " + r.out());
        }
        assertEquals("mlp", j.get("kind").asText());
        assertEquals(3, j.get("window").asInt());
        assertEquals(0, j.get("subject_range").get(0).asInt());
        assertEquals(2, j.get("subject_range").get(1).asInt());
        double[] want = Npy.read(dir.resolve("causal_trace/michael_jordan_mlp_w3_scores.npy")).data();
        for (int t = 0; t < 6; t++) {
            for (int l = 0; l < 4; l++) assertEquals(want[t * 4 + l], j.get("scores").get(t).get(l).asDouble(), 1e-5);
        }
    }

    /**
     * Without --kind the CLI traces all three kinds in one run sharing the clean and corrupted forwards (the code %trace
     * runs), and each kind's scores are the golden ones of the original code for that kind. The window is the default,
     * auto: the original's 10 of 48 layers scaled to this 4-layer model is 1, so MLP and attention match the original
     * run with window 1 (resid restores one state whatever the window).
     */
    @Test
    void kindAllIsTheDefaultAndGivesEachKindsGoldenScores() throws Exception {
        Path dir = Shared.tinyGpt2();
        CliRun r = run("trace", "--model", model(), "--prompt", "Michael Jordan plays the sport of", "--subject", "Michael Jordan",
                "--noise", "1.514000415802002",
                "--noise-file", dir.resolve("causal_trace/michael_jordan_noise_randn_f64.npy").toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode all = new ObjectMapper().readTree(r.out());
        assertTrue(all.isArray(), r.out());
        assertEquals(3, all.size());
        List<String> kinds = List.of("resid", "mlp", "attn");
        for (int k = 0; k < 3; k++) {
            JsonNode j = all.get(k);
            assertEquals(kinds.get(k), j.get("kind").asText());
            assertEquals(all.get(0).get("low_score").asDouble(), j.get("low_score").asDouble(), 0.0, "one corrupted baseline");
            if (k > 0) assertEquals(1, j.get("window").asInt(), "auto: round(10 * 4 / 48), at least 1");
            String w = k == 0 ? "w10" : "w1";
            double[] want = Npy.read(dir.resolve("causal_trace/michael_jordan_" + kinds.get(k) + "_" + w + "_scores.npy")).data();
            for (int t = 0; t < 6; t++) {
                for (int l = 0; l < 4; l++) assertEquals(want[t * 4 + l], j.get("scores").get(t).get(l).asDouble(), 1e-5, kinds.get(k));
            }
        }
        CliRun text = run("trace", "--model", model(), "--prompt", "Michael Jordan plays the sport of", "--subject", "Michael Jordan",
                "--samples", "2");
        assertEquals(0, text.status(), text.err());
        assertEquals(3, text.out().lines().filter(l -> l.startsWith("token \\ layer")).count(), text.out());
    }

    @Test
    void textOutputAndFrozen() {
        CliRun r = run("trace", "--model", model(), "--prompt", "Michael Jordan plays the sport of", "--subject", "Michael Jordan",
                "--samples", "3", "--noise", "0.5", "--frozen", "mlp", "--tokens", "last_subject", "--expect", "basketball");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("1: Jordan*"), r.out());
        assertTrue(r.out().contains("mlp frozen"), r.out());
        assertTrue(r.out().contains("not the expected \"basketball\""), r.out());
    }

    @Test
    void badInputIsOneLineWithTheFix(@TempDir Path tmp) throws Exception {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"trace", "--model", model(), "--prompt", "Michael Jordan plays", "--subject", "Larry Bird"});
        cases.add(new String[] {"trace", "--model", model(), "--prompt", "", "--subject", "x"});
        cases.add(new String[] {"trace", "--model", model(), "--prompt", "a b", "--subject", "a", "--window", "0"});
        cases.add(new String[] {"trace", "--model", model(), "--prompt", "a b", "--subject", "a", "--samples", "0"});
        Path bad = tmp.resolve("bad.npy");
        Npy.writeDouble(bad, new long[] {10, 3, 64}, new double[10 * 3 * 64]);
        cases.add(new String[] {"trace", "--model", model(), "--prompt", "Michael Jordan plays", "--subject", "Michael Jordan",
                "--noise", "0.1", "--noise-file", bad.toString()});
        String[] expect = {"Michael| Jordan| plays", "empty prompt", "--window must be at least 1", "--samples must be between 1",
                "[10, 2, 64]"};
        for (int i = 0; i < cases.size(); i++) {
            CliRun r = run(cases.get(i));
            assertEquals(2, r.status(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(expect[i]), r.err());
        }
    }

    @Test
    void traceDatasetWritesTablesAndResumes(@TempDir Path tmp) throws Exception {
        Path facts = tmp.resolve("facts.json");
        Files.writeString(facts, "[{\"known_id\": 0, \"subject\": \"Michael Jordan\", \"attribute\": \"depl\", "
                + "\"prompt\": \"Michael Jordan plays the sport of\"}, {\"known_id\": 1, \"subject\": \"Apple\", "
                + "\"attribute\": \"x\", \"prompt\": \"Apple was founded by\"}]");
        Path out = tmp.resolve("out");
        CliRun r = run("trace-dataset", "--model", model(), "--facts", facts.toString(), "--out", out.toString(), "--samples", "2",
                "--json", "--quiet");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.get("facts").asInt());
        assertEquals(1, j.get("traced").asInt());   // the tiny model answers " depl" (golden), not " x"
        assertEquals(1, j.get("wrong").asInt());
        assertEquals(1, j.get("wrong_facts").get(0).get("known_id").asInt());
        assertEquals(4, j.get("kinds").get("mlp").get("roles").get("last").get("mean_indirect_effect").size());
        assertTrue(Files.isRegularFile(out.resolve("cases/0.json")));
        CliRun again = run("trace-dataset", "--model", model(), "--facts", facts.toString(), "--out", out.toString(), "--samples",
                "2", "--json", "--quiet");
        assertEquals(r.out(), again.out());
        for (String f : List.of("aggregate.json", "averages.csv", "summary.csv", "wrong.csv", "figures/lines_mlp.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
    }

    /** Window 10 on the 4-layer model restores every layer in every row: the command says so; window 2 does not. */
    @Test
    void notesAWindowThatCoversTheWholeModel() throws Exception {
        String[] base = {"trace", "--model", org.rome4j.Shared.tinyGpt2().toString(), "--prompt", "Michael Jordan plays the sport of",
                "--subject", "Michael Jordan", "--kind", "mlp", "--samples", "2", "--json"};
        CliRun wide = CliRun.of(concat(base, "--window", "10"));
        assertEquals(0, wide.status(), wide.err());
        assertEquals(1, wide.err().lines().filter(l -> l.startsWith("note: window 10 covers all 4 layers")).count(), wide.err());
        // and the rows really are identical, which is what the note warns about
        com.fasterxml.jackson.databind.JsonNode scores = new com.fasterxml.jackson.databind.ObjectMapper().readTree(wide.out()).get("scores");
        for (com.fasterxml.jackson.databind.JsonNode row : scores) {
            for (int l = 1; l < row.size(); l++) assertEquals(row.get(0).asDouble(), row.get(l).asDouble(), 1e-9);
        }
        CliRun narrow = CliRun.of(concat(base, "--window", "2"));
        assertEquals(0, narrow.status(), narrow.err());
        assertEquals(0, narrow.err().lines().filter(l -> l.contains("covers all")).count(), narrow.err());
        assertTrue(org.rome4j.trace.Kind.wholeModelNote(7, 4).isPresent());
        assertTrue(org.rome4j.trace.Kind.wholeModelNote(6, 4).isEmpty());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
