package org.rome4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.model.Gpt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stats --layers 1,2 --stats-dir D} in one pass, then {@code edit --method memit|alphaedit --requests F
 * --requests G}: two batches in sequence from request objects and CounterFact records, JSON per request, the
 * saved model; and bad input as one line with exit status 2.
 */
class BatchEditCliTest {
    @TempDir
    static Path tmp;
    static Path statsDir;
    static Path memitHp;
    static Path alphaHp;
    static Path batch1;
    static Path batch2;

    static String model() {
        return Shared.tinyGpt2().toString();
    }

    static Path templates() {
        return Shared.root().resolve("golden/memit/context_templates.json");
    }

    @BeforeAll
    static void statsForBothLayers() throws Exception {
        statsDir = tmp.resolve("stats");
        CliRun r = CliRun.of("stats", "--model", model(), "--layers", "1,2", "--samples", "205", "--corpus",
                Shared.tinyGpt2().resolve("rome/corpus.txt").toString(), "--stats-dir", statsDir.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        ObjectMapper om = new ObjectMapper();
        // the golden hparams with 4 z steps, to keep the test short
        ObjectNode m = (ObjectNode) om.readTree(Shared.root().resolve("golden/memit/tiny-gpt2/hparams.json").toFile());
        m.put("v_num_grad_steps", 4);
        memitHp = tmp.resolve("memit.json");
        Files.writeString(memitHp, m.toString());
        ObjectNode a = (ObjectNode) om.readTree(Shared.root().resolve("golden/alphaedit/tiny-gpt2/hparams.json").toFile());
        a.put("v_num_grad_steps", 4);
        alphaHp = tmp.resolve("alpha.json");
        Files.writeString(alphaHp, a.toString());
        batch1 = tmp.resolve("b1.json");
        Files.writeString(batch1, "[{\"prompt\": \"{} plays the sport of\", \"subject\": \"Michael Jordan\", \"target_new\": {\"str\": \"football\"}},"
                + "{\"prompt\": \"{} is located in\", \"subject\": \"The Eiffel Tower\", \"target_new\": {\"str\": \"Rome\"}}]");
        batch2 = tmp.resolve("b2.json");
        Files.writeString(batch2, "[{\"case_id\": 7, \"requested_rewrite\": {\"prompt\": \"{} was founded by\", \"subject\": \"Apple\", "
                + "\"target_new\": {\"str\": \"Bill Gates\"}, \"target_true\": {\"str\": \"Steve Jobs\"}}}]");
    }

    static CliRun edit(String method, Path hp, String... extra) {
        String[] base = {"edit", "--model", model(), "--method", method, "--hparams", hp.toString(), "--templates", templates().toString(),
                "--stats-dir", statsDir.toString()};
        String[] all = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.of(all);
    }

    @Test
    void memitBatchesInSequenceAndSavedModel() throws Exception {
        Path saved = tmp.resolve("edited");
        CliRun r = edit("memit", memitHp, "--requests", batch1.toString(), "--requests", batch2.toString(), "--json", "--save-model", saved.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("memit", j.get("method").asText());
        assertEquals(2, j.get("batches").size());
        assertEquals(2, j.get("batches").get(0).get("requests").size());
        assertEquals("[1,2]", j.get("batches").get(1).get("layers").toString());
        JsonNode jordan = j.get("batches").get(0).get("requests").get(0);
        assertTrue(jordan.get("target_prob_post").asDouble() > jordan.get("target_prob_pre").asDouble(), "the edit raises P(football)");
        try (Gpt orig = Gpt.load(Shared.tinyGpt2()); Gpt ed = Gpt.load(saved)) {
            for (int l = 0; l < 4; l++) {
                String n = "transformer.h." + l + ".mlp.c_proj.weight";
                boolean same = Arrays.equals(orig.parameters().get(n).toFloatArray(), ed.parameters().get(n).toFloatArray());
                assertEquals(l != 1 && l != 2, same, "layer " + l + " edited: " + !same);
            }
            String n = "transformer.h.1.mlp.c_fc.weight";
            assertArrayEquals(orig.parameters().get(n).toFloatArray(), ed.parameters().get(n).toFloatArray());
        }
    }

    @Test
    void alphaEditCarriesItsCacheAcrossBatches() throws Exception {
        CliRun r = edit("alphaedit", alphaHp, "--requests", batch1.toString(), "--requests", batch2.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("batch 1: alphaedit, 2 requests at layers [1, 2]"), r.out());
        assertTrue(r.out().contains("batch 2: alphaedit, 1 request at layers [1, 2]"), r.out());
    }

    /** ROME and r-ROME read the same statistics cache (stats --layers wrote layer 1 there too), request by request. */
    @Test
    void romeAndRRomeTakeTheSameBatches() throws Exception {
        ObjectNode h = (ObjectNode) new ObjectMapper().readTree(Shared.tinyGpt2().resolve("rome/hparams.json").toFile());
        h.put("v_num_grad_steps", 3);
        Path romeHp = tmp.resolve("rome.json");
        Files.writeString(romeHp, h.toString());
        for (String m : new String[] {"rome", "r-rome"}) {
            CliRun r = CliRun.of("edit", "--model", model(), "--method", m, "--hparams", romeHp.toString(), "--templates",
                    Shared.tinyGpt2().resolve("rome/context_templates.json").toString(), "--stats-dir", statsDir.toString(),
                    "--requests", batch1.toString(), "--json");
            assertEquals(0, r.status(), r.err());
            JsonNode j = new ObjectMapper().readTree(r.out());
            assertEquals(m, j.get("batches").get(0).get("method").asText());
            assertEquals("[1]", j.get("batches").get(0).get("layers").toString());
            assertEquals(2, j.get("batches").get(0).get("requests").size());
        }
    }

    @Test
    void badInputIsOneLine() throws Exception {
        oneLine(edit("memit", memitHp, "--requests", tmp.resolve("nope.json").toString()), "requests file not found");
        oneLine(edit("sgd", memitHp, "--requests", batch1.toString()), "unknown --method sgd");
        Path empty = tmp.resolve("empty.json");
        Files.writeString(empty, "[]");
        oneLine(edit("memit", memitHp, "--requests", empty.toString()), "empty batch");
        Path dup = tmp.resolve("dup.json");
        Files.writeString(dup, "[{\"prompt\": \"{} plays\", \"subject\": \"Apple\", \"target_new\": {\"str\": \"x\"}},"
                + "{\"prompt\": \"{} is\", \"subject\": \"Apple\", \"target_new\": {\"str\": \"y\"}}]");
        oneLine(edit("memit", memitHp, "--requests", dup.toString()), "appears twice");
        ObjectNode h = (ObjectNode) new ObjectMapper().readTree(memitHp.toFile());
        h.putArray("layers").add(2).add(1);
        Path desc = tmp.resolve("desc.json");
        Files.writeString(desc, h.toString());
        oneLine(edit("memit", desc, "--requests", batch1.toString()), "ascending");
        h.putArray("layers").add(1).add(9);
        Path far = tmp.resolve("far.json");
        Files.writeString(far, h.toString());
        oneLine(edit("memit", far, "--requests", batch1.toString()), "has layers 0–3");
        oneLine(CliRun.of("edit", "--model", model(), "--method", "memit", "--hparams", memitHp.toString(), "--templates", templates().toString(),
                "--stats-dir", tmp.resolve("no-stats").toString(), "--requests", batch1.toString()), "rome4j stats");
    }

    static void oneLine(CliRun r, String part) {
        assertEquals(2, r.status(), r.out() + r.err());
        String e = r.err().strip();
        assertTrue(e.contains(part), e);
        assertFalse(e.contains("\n") || e.contains("Exception") || e.contains("\tat "), e);
    }
}
