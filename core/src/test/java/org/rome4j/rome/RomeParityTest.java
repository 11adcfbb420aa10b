package org.rome4j.rome;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;
import org.rome4j.io.Npy;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with the original ROME code on the golden tiny GPT-2 (../shared/golden/tiny-gpt2/rome): with
 * the golden C⁻¹ and context templates, u, k*, the per-iteration δ, v, ΔW and the post-edit logits of
 * all three requests (one with a two-token target).
 */
class RomeParityTest {
    static Path dir;
    static Gpt gpt;
    static JsonNode golden;
    static Rome rome;
    static final StringBuilder REPORT = new StringBuilder();

    @BeforeAll
    static void load() throws Exception {
        dir = Shared.tinyGpt2().resolve("rome");
        gpt = Gpt.load(Shared.tinyGpt2());
        golden = new ObjectMapper().readTree(dir.resolve("rome.json").toFile());
        RomeHparams hp = RomeHparams.read(dir.resolve("hparams.json"));
        rome = Rome.builder(gpt).setHparams(hp)
                .optTemplates(ContextTemplates.read(dir.resolve("context_templates.json")))
                .optInverse(1, Npy.read(dir.resolve("mom2_inverse_float32.npy")).floats())
                .build();
    }

    @AfterAll
    static void close() {
        if (gpt == null) return;   // @BeforeAll was skipped (no reference data)
        System.out.println("ROME parity (max errors):\n" + REPORT);
        gpt.close();
    }

    static JsonNode request(String id) {
        for (JsonNode r : golden.get("requests")) {
            if (r.get("request").get("case_id").asText().equals(id)) return r;
        }
        throw new AssertionError("no golden request " + id);
    }

    static float[] npy(String name) throws Exception {
        return Npy.read(dir.resolve(name + ".npy")).floats();
    }

    static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length, "length");
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float x : a) m = Math.max(m, Math.abs(x));
        return m;
    }

    /** max|a−b| / max|golden|. */
    static double rel(float[] golden, float[] ours) {
        return maxAbs(golden, ours) / maxAbs(golden);
    }

    static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = n.get(i).asInt();
        return out;
    }

    static Request req(JsonNode g) {
        JsonNode r = g.get("request");
        return Request.of(r.get("prompt").asText(), r.get("subject").asText(), r.get("target_new").get("str").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jordan_football", "eiffel_rome", "apple_billgates_multitoken"})
    void matchesOriginal(String id) throws Exception {
        JsonNode g = request(id);
        Request r = req(g);

        // token indices and the exact compute_v batch
        int[] lookups = ints(g.get("compute_v_lookup_idxs"));
        JsonNode prompts = g.get("compute_v_rewriting_prompts");
        for (int i = 0; i < prompts.size(); i++) {
            assertEquals(lookups[i], FactToken.SUBJECT_LAST.index(gpt.tokenizer(), prompts.get(i).asText(), r.subject()),
                    "lookup index of " + prompts.get(i));
        }
        assertEquals(lookups[lookups.length - 1], FactToken.SUBJECT_LAST.index(gpt.tokenizer(), ValueSearch.KL_PROMPT, r.subject()));
        Npy.Array ids = Npy.read(dir.resolve(id + "_compute_v_input_ids.npy"));
        Npy.Array mask = Npy.read(dir.resolve(id + "_compute_v_attention_mask.npy"));
        long[] want = ids.longs();
        long[] m = mask.longs();
        int t = (int) ids.shape()[1];
        long[] targetIds = gpt.tokenizer().ids(r.targetWithSpace());
        assertArrayEquals(longs(g.get("target_ids")), targetIds, "target ids");
        for (int i = 0; i < prompts.size(); i++) {
            long[] ours = gpt.tokenizer().ids(Request.fill(prompts.get(i).asText(), r.subject()));
            int len = 0;
            for (int j = 0; j < t; j++) len += (int) m[i * t + j];
            assertEquals(len, ours.length, "length of row " + i);
            for (int j = 0; j < len; j++) assertEquals(want[i * t + j], ours[j], "id at row " + i + " pos " + j);
        }

        Edit e = rome.apply(r);                       // computes exactly once; the handle carries the intermediates
        Update u = e.updates().get(0);
        assertArrayEquals(ints(g.get("u_subject_last_token_idx_per_template")), u.keyIndices(), "key indices");
        double eK = maxAbs(npy(id + "_k_mean"), u.kMean());
        double eU = maxAbs(npy(id + "_u"), u.u());
        double eTi = rel(npy(id + "_target_init"), u.targetInit());
        double eIn = rel(npy(id + "_cur_input"), u.curInput());
        double eOut = rel(npy(id + "_cur_output"), u.curOutput());
        Npy.Array dpi = Npy.read(dir.resolve(id + "_compute_v_delta_per_iter.npy"));
        int iters = (int) dpi.shape()[0];
        int d = (int) dpi.shape()[1];
        assertEquals(iters, u.iterations(), "iterations run");
        float[] dAll = dpi.floats();
        double eDelta = 0;
        for (int i = 0; i < iters; i++) {
            float[] gi = java.util.Arrays.copyOfRange(dAll, i * d, (i + 1) * d);
            float[] oi = u.deltaPerIter().get(i);
            double scale = Math.max(maxAbs(gi), 1e-6);
            eDelta = Math.max(eDelta, maxAbs(gi, oi) / (i == 0 ? 1 : scale));
        }
        double eV = rel(npy(id + "_v"), u.v());
        float[] dw = new float[u.u().length * u.v().length];
        for (int i = 0; i < u.u().length; i++) {
            for (int j = 0; j < u.v().length; j++) dw[i * u.v().length + j] = u.u()[i] * u.v()[j];
        }
        double eDw = rel(npy(id + "_delta_weight"), dw);

        // post-edit logits, then undo
        double eRew;
        double eUnrel;
        try (NDManager scope = gpt.newScope()) {
            eRew = maxAbs(npy(id + "_post_edit_logits_rewrite"), last(scope, g.get("rewrite_prompt").asText()));
            eUnrel = maxAbs(npy(id + "_post_edit_logits_unrelated"), last(scope, g.get("unrelated_prompt").asText()));
        }
        rome.undo();
        double ePre;
        try (NDManager scope = gpt.newScope()) {
            ePre = maxAbs(npy(id + "_pre_edit_logits_rewrite"), last(scope, g.get("rewrite_prompt").asText()));
        }
        double pPre = g.get("target_prob").get("pre_rewrite").asDouble();
        double pPost = g.get("target_prob").get("post_rewrite").asDouble();
        REPORT.append(String.format("%-28s k* %.2e  u %.2e  v_init %.2e  cur_in %.2e  cur_out %.2e  delta/iter %.2e  v %.2e  dW %.2e"
                        + "  logits(rewrite) %.2e  logits(unrelated) %.2e  P %.3g->%.3g (golden %.3g->%.3g)%n",
                id, eK, eU, eTi, eIn, eOut, eDelta, eV, eDw, eRew, eUnrel, e.pre().targetProb(), e.post().targetProb(), pPre, pPost));
        assertTrue(eK < 1e-4, "k* " + eK);
        assertTrue(eU < 1e-4, "u " + eU);
        assertTrue(eTi < 1e-4 && eIn < 1e-4 && eOut < 1e-4, "v_init/cur_input/cur_output " + eTi + " " + eIn + " " + eOut);
        assertTrue(eDelta < 1e-3, "per-iteration delta " + eDelta);
        assertTrue(eV < 1e-3, "v " + eV);
        assertTrue(eDw < 1e-3, "delta weight " + eDw);
        assertTrue(eRew < 1e-3 && eUnrel < 1e-3, "post-edit logits " + eRew + " " + eUnrel);
        assertTrue(ePre < 1e-4, "undo restores the pre-edit logits " + ePre);
        if (targetIds.length == 1) {   // the golden's target_prob is the first token's probability
            assertEquals(Math.log(pPre), Math.log(e.pre().targetProb()), 1e-3, "pre-edit target probability");
            assertEquals(Math.log(pPost), Math.log(e.post().targetProb()), 1e-2, "post-edit target probability");
        }
        assertEquals(0, rome.edits().size(), "undo leaves no active edit");
    }

    static long[] longs(JsonNode n) {
        long[] out = new long[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = n.get(i).asLong();
        return out;
    }

    static float[] last(NDManager scope, String prompt) {
        return gpt.forwardLast(scope, Batch.of(gpt.tokenizer().ids(prompt)), Interventions.NONE).logits().toFloatArray();
    }
}
