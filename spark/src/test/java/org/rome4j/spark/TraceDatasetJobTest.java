package org.rome4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** trace-dataset on Spark against ./rome4j trace-dataset: 24 facts of known_1000 on tiny-facts. */
class TraceDatasetJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static Path facts;
    static Path single;

    @BeforeAll
    static void singleMachine() throws Exception {
        // 23 facts of known_1000 and one tiny-facts gets wrong (known_id 1208 region is unknown; take the file's own mix)
        JsonNode all = JSON.readTree(LocalSpark.shared().resolve("data/rome/known_1000.json").toFile());
        ArrayNode some = JSON.createArrayNode();
        for (int i = 0; i < 24; i++) some.add(all.get(i * 50));
        facts = tmp.resolve("facts.json");
        JSON.writeValue(facts.toFile(), some);
        single = tmp.resolve("single");
        LocalSpark.Run r = LocalSpark.cli("trace-dataset", "--model", "tiny-facts", "--facts", facts.toString(), "--samples", "4", "--out", single.toString(),
                "--json", "--quiet");
        assertEquals(0, r.status(), r.err());
    }

    @AfterEach
    void noHooks() {
        LocalSpark.get().conf().unset("spark.rome4j.test.failOnce");
        LocalSpark.get().conf().unset("spark.rome4j.test.failFromPartition");
    }

    @Test
    void sameScoresAndAggregatesAsTheSingleMachineEvenWhenATaskFailsOnce() throws Exception {
        LocalSpark.get().conf().set("spark.rome4j.test.failOnce", "true");
        int failedBefore = LocalSpark.FAILED_TASKS.get();
        Path out = tmp.resolve("spark");
        LocalSpark.Run r = LocalSpark.run("trace-dataset", "--master", LocalSpark.MASTER, "--model", "tiny-facts", "--facts", facts.toString(), "--samples", "4",
                "--out", out.toString(), "--partitions", "4", "--progress-seconds", "1", "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(LocalSpark.failedTasksAbove(failedBefore), "the hook made a task fail, and Spark retried it");
        assertTrue(r.err().contains("[trace-dataset] 24/24 facts") && r.err().contains("ETA"), r.err());
        assertSameAsSingleMachine(out);
        assertEquals(1, ExecutorModels.loads(), "the executor JVM loaded the model once");
    }

    @Test
    void resumesAfterAStoppedJob() throws Exception {
        // the reference: the single-machine command on the first 8 facts, from its own cache of the 24
        Path single8 = tmp.resolve("single8");
        copyTree(single, single8);
        LocalSpark.Run ref = LocalSpark.cli("trace-dataset", "--model", "tiny-facts", "--facts", facts.toString(), "--samples", "4", "--out", single8.toString(),
                "--limit", "8", "--json", "--quiet");
        assertEquals(0, ref.status(), ref.err());
        Path out = tmp.resolve("resume");
        LocalSpark.get().conf().set("spark.rome4j.test.failFromPartition", "2");
        LocalSpark.Run stopped = LocalSpark.run("trace-dataset", "--model", "tiny-facts", "--facts", facts.toString(), "--samples", "4", "--out", out.toString(),
                "--limit", "8", "--partitions", "4");
        assertEquals(1, stopped.status(), "the job fails when partitions 2 and 3 fail: " + stopped.err());
        long written = LocalSpark.get().read().parquet(out.resolve("rows").toString()).select("idx").distinct().count();
        assertTrue(written >= 2 && written < 8, "the finished partitions' rows stay: " + written);
        LocalSpark.get().conf().unset("spark.rome4j.test.failFromPartition");
        LocalSpark.Run resumed = LocalSpark.run("trace-dataset", "--model", "tiny-facts", "--facts", facts.toString(), "--samples", "4", "--out", out.toString(),
                "--limit", "8", "--partitions", "4", "--json");
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.err().contains((8 - written) + " facts to do, " + written + " already written"), resumed.err());
        assertClose(JSON.readTree(single8.resolve("aggregate.json").toFile()), JSON.readTree(out.resolve("aggregate.json").toFile()), 1e-6,
                "aggregate.json after resuming");
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    @Test
    void aBadFactGoesToTheErrorsTable() throws Exception {
        ArrayNode some = (ArrayNode) JSON.readTree(facts.toFile());
        ArrayNode three = JSON.createArrayNode();
        three.add(some.get(0));
        three.add(((com.fasterxml.jackson.databind.node.ObjectNode) some.get(1).deepCopy()).put("subject", "Nowhere In The Prompt"));
        three.add(some.get(2));
        Path f = tmp.resolve("bad.json");
        JSON.writeValue(f.toFile(), three);
        Path out = tmp.resolve("bad");
        LocalSpark.Run r = LocalSpark.run("trace-dataset", "--model", "tiny-facts", "--facts", f.toString(), "--samples", "4", "--out", out.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        List<String> errors = Files.readAllLines(out.resolve("errors.csv"));
        assertEquals(2, errors.size(), String.join("\n", errors));
        assertTrue(errors.get(1).startsWith("1,") && errors.get(1).contains("Nowhere In The Prompt"), errors.get(1));
        assertFalse(r.out().isBlank());
    }

    @Test
    void badOptionsGetOneLine() {
        LocalSpark.Run r = LocalSpark.run("trace-dataset", "--model", "tiny-facts", "--facts", "/nonexistent.json", "--out", tmp.resolve("x").toString());
        assertEquals(2, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertNotEquals(0, LocalSpark.run("no-such-job").status());
    }

    /** Every per-fact score within 1e-6 of the single-machine cache, and the same aggregates and tables. */
    private static void assertSameAsSingleMachine(Path out) throws Exception {
        Map<String, JsonNode> mine = new HashMap<>();
        for (Row r : LocalSpark.get().read().parquet(out.resolve("rows").toString()).where("status = 'traced'")
                .select("known_id", "kind", "trace_json").collectAsList()) {
            mine.put(r.getInt(0) + "/" + r.getString(1), JSON.readTree(r.getString(2)));
        }
        int compared = 0;
        try (var files = Files.list(single.resolve("cases"))) {
            for (Path p : files.toList()) {
                JsonNode want = JSON.readTree(p.toFile());
                String id = p.getFileName().toString().replace(".json", "");
                for (Iterator<String> it = want.fieldNames(); it.hasNext(); ) {
                    String kind = it.next();
                    JsonNode got = mine.get(id + "/" + kind);
                    assertTrue(got != null, "fact " + id + " " + kind + " traced on Spark");
                    assertClose(want.get(kind).get("scores"), got.get("scores"), 1e-6, id + " " + kind);
                    assertClose(want.get(kind).get("low_score"), got.get("low_score"), 1e-6, id);
                    assertEquals(want.get(kind).get("answer"), got.get("answer"));
                    assertEquals(want.get(kind).get("subject_range"), got.get("subject_range"));
                    compared++;
                }
            }
        }
        assertTrue(compared >= 60, "compared " + compared + " traces");
        JsonNode a = JSON.readTree(single.resolve("aggregate.json").toFile());
        JsonNode b = JSON.readTree(out.resolve("aggregate.json").toFile());
        assertClose(a, b, 1e-6, "aggregate.json");
        for (String csv : List.of("summary.csv", "wrong.csv")) {
            assertEquals(Files.readAllLines(single.resolve(csv)).size(), Files.readAllLines(out.resolve(csv)).size(), csv);
        }
        assertEquals(Files.readAllLines(single.resolve("wrong.csv")), Files.readAllLines(out.resolve("wrong.csv")));
        assertTrue(Files.isRegularFile(out.resolve("figures/heatmap_mlp.json")));
    }

    /** Same structure, numbers within tol, everything else equal. */
    static void assertClose(JsonNode want, JsonNode got, double tol, String where) {
        if (want.isNumber()) {
            assertTrue(got.isNumber(), where + ": " + got);
            assertEquals(want.asDouble(), got.asDouble(), tol, where);
        } else if (want.isContainerNode()) {
            assertEquals(want.size(), got.size(), where);
            if (want.isArray()) {
                for (int i = 0; i < want.size(); i++) assertClose(want.get(i), got.get(i), tol, where + "[" + i + "]");
            } else {
                for (Iterator<String> it = want.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    assertClose(want.get(k), got.get(k), tol, where + "." + k);
                }
            }
        } else {
            assertEquals(want, got, where);
        }
    }
}
