package org.rome4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.data.KnownFacts;
import org.rome4j.eval.CounterFactRecord;
import org.rome4j.eval.Known1000Benchmark;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** eval on Spark against ./rome4j eval: 6 generated CounterFact records, edit/measure/undo on tiny-facts. */
class EvalJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameCasesAndSummaryAsTheSingleMachine(@TempDir Path tmp) throws Exception {
        List<CounterFactRecord> recs = Known1000Benchmark.build(KnownFacts.read(LocalSpark.shared().resolve("data/rome/known_1000.json")), 0)
                .subList(0, 6);
        ArrayNode arr = JSON.createArrayNode();
        for (CounterFactRecord r : recs) arr.add(r.toJson());
        arr.add(((ObjectNode) recs.get(0).toJson().deepCopy()).put("case_id", 999999).without("requested_rewrite"));   // a bad record
        Path data = tmp.resolve("cf.json");
        JSON.writeValue(data.toFile(), arr);
        Path hparams = shortPreset(tmp, 3);
        String[] opts = {"--model", "tiny-facts", "--hparams", hparams.toString(), "--gen-tokens", "5", "--json"};

        Path single = tmp.resolve("single");
        Path sixOnly = tmp.resolve("six.json");
        JSON.writeValue(sixOnly.toFile(), JSON.createArrayNode().addAll(arr.deepCopy().removeAll().addAll(List.of(arr.get(0), arr.get(1),
                arr.get(2), arr.get(3), arr.get(4), arr.get(5)))));
        LocalSpark.Run a = LocalSpark.cli(concat(new String[] {"eval", "--dataset", sixOnly.toString(), "--out", single.toString()}, opts));
        assertEquals(0, a.status(), a.err());
        Path out = tmp.resolve("spark");
        LocalSpark.Run b = LocalSpark.run(concat(new String[] {"eval", "--dataset", data.toString(), "--out", out.toString(), "--partitions", "3"},
                opts));
        assertEquals(0, b.status(), b.err());

        JsonNode ja = JSON.readTree(a.out());
        JsonNode jb = JSON.readTree(b.out());
        assertEquals(6, jb.get("cases").asInt());
        assertEquals(1, jb.get("errors").asInt(), "the record without a rewrite is reported, not fatal");
        TraceDatasetJobTest.assertClose(ja.get("pre"), jb.get("pre"), 1e-9, "pre");
        TraceDatasetJobTest.assertClose(ja.get("post"), jb.get("post"), 1e-9, "post");
        assertEquals(Files.readString(single.resolve("summary.txt")), Files.readString(out.resolve("summary.txt")));
        List<Row> rows = LocalSpark.get().read().parquet(out.resolve("rows").toString()).where("status = 'ok'").select("case_json").collectAsList();
        assertEquals(6, rows.size());
        for (Row r : rows) {
            ObjectNode got = (ObjectNode) JSON.readTree(r.getString(0));
            ObjectNode want = (ObjectNode) JSON.readTree(single.resolve("case_" + got.get("case_id").asInt() + ".json").toFile());
            want.remove("time");
            got.remove("time");
            TraceDatasetJobTest.assertClose(want, got, 1e-9, "case " + got.get("case_id"));
        }
        assertTrue(Files.readString(out.resolve("errors.csv")).lines().count() == 2);
    }

    @Test
    void zsreSameSummaryAsTheSingleMachine(@TempDir Path tmp) throws Exception {
        Path hparams = shortPreset(tmp, 2);
        String data = LocalSpark.shared().resolve("data/rome/zsre_mend_eval.first72.json").toString();
        // zsRE's answers are words tiny-facts does not know (an edit to <unk> is refused): the golden tiny GPT-2 reads them all
        String model = LocalSpark.shared().resolve("golden/tiny-gpt2").toString();
        String[] opts = {"--model", model, "--hparams", hparams.toString(), "--format", "zsre", "--dataset", data, "--limit", "3", "--json"};
        LocalSpark.Run a = LocalSpark.cli(concat(new String[] {"eval", "--out", tmp.resolve("single").toString()}, opts));
        assertEquals(0, a.status(), a.err());
        LocalSpark.Run b = LocalSpark.run(concat(new String[] {"eval", "--out", tmp.resolve("spark").toString(), "--partitions", "2"}, opts));
        assertEquals(0, b.status(), b.err());
        JsonNode ja = JSON.readTree(a.out());
        JsonNode jb = JSON.readTree(b.out());
        assertEquals(3, jb.get("cases").asInt());
        assertEquals(ja.get("pre"), jb.get("pre"));
        assertEquals(ja.get("post"), jb.get("post"));
        assertEquals(Files.readString(tmp.resolve("single/summary.txt")), Files.readString(tmp.resolve("spark/summary.txt")));
    }

    /** The shipped tiny-facts preset cut short: a few v* steps, identity statistics. */
    private static Path shortPreset(Path dir, int steps) throws Exception {
        return shortPreset(dir, steps, false);
    }

    /** tiny-facts' ROME preset with fewer optimisation steps, with or without the key-statistics adjustment. */
    static Path shortPreset(Path dir, int steps, boolean mom2) throws Exception {
        ObjectNode hp;
        try (InputStream in = EvalJobTest.class.getResourceAsStream("/rome4j/hparams/ROME/tiny-facts.json")) {
            hp = (ObjectNode) JSON.readTree(in);
        }
        hp.put("v_num_grad_steps", steps).put("mom2_adjustment", mom2);
        Path file = dir.resolve("hp.json");
        JSON.writeValue(file.toFile(), hp);
        return file;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
