package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.io.Npy;
import org.rome4j.io.SafeTensors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parity with HF transformers GPT-2 on the golden tiny checkpoint (../shared/golden/tiny-gpt2). */
class GptParityTest {
    static Path dir;
    static Gpt gpt;
    static JsonNode meta;

    @BeforeAll
    static void load() throws Exception {
        dir = Shared.tinyGpt2();
        gpt = Gpt.load(dir);
        meta = new ObjectMapper().readTree(dir.resolve("forward/forward_meta.json").toFile());
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length, "length");
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    @Test
    void tokenizerMatchesAllFortyStrings() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("tokenizer_checks.json").toFile()).get("cases");
        assertEquals(40, cases.size());
        for (JsonNode c : cases) {
            long[] want = new long[c.get("ids").size()];
            for (int i = 0; i < want.length; i++) want[i] = c.get("ids").get(i).asLong();
            String text = c.get("text").asText();
            assertArrayEquals(want, gpt.tokenizer().ids(text), "ids of " + text);
            assertEquals(c.get("decoded").asText(), gpt.tokenizer().decode(want), "decode of " + text);
        }
    }

    @Test
    void lastLogitsOfFourPrompts() throws Exception {
        for (JsonNode p : meta.get("prompts")) {
            int i = p.get("index").asInt();
            long[] ids = gpt.tokenizer().ids(p.get("prompt").asText());
            long[] want = new long[p.get("input_ids").size()];
            for (int k = 0; k < want.length; k++) want[k] = p.get("input_ids").get(k).asLong();
            assertArrayEquals(want, ids);
            float[] golden = Npy.read(dir.resolve("forward/p" + i + "_logits_last.npy")).floats();
            try (NDManager scope = gpt.newScope()) {
                float[] ours = gpt.forwardLast(scope, Batch.of(ids), Interventions.NONE).logits().toFloatArray();
                double err = maxAbs(golden, ours);
                assertTrue(err <= 1e-4, "p" + i + " last logits max abs error " + err);
                // the full forward agrees with the last-token forward
                NDArray all = gpt.forward(scope, Batch.of(ids), Interventions.NONE).logits();
                float[] last = all.get(new NDIndex("0, -1")).toFloatArray();
                assertTrue(maxAbs(ours, last) <= 1e-5);
            }
        }
    }

    @Test
    void allPositionLogitsOfP0() throws Exception {
        float[] golden = Npy.read(dir.resolve("forward/p0_logits_all.npy")).floats();
        try (NDManager scope = gpt.newScope()) {
            long[] ids = gpt.tokenizer().ids(meta.get("prompts").get(0).get("prompt").asText());
            float[] ours = gpt.forward(scope, Batch.of(ids), Interventions.NONE).logits().toFloatArray();
            double err = maxAbs(golden, ours);
            assertTrue(err <= 1e-4, "all-position logits error " + err);
        }
    }

    /** Our site for each golden internal name. */
    static Map<String, Site> internalsMap(int nLayer) {
        Map<String, Site> m = new LinkedHashMap<>();
        m.put("transformer.wte.out", Site.embed());
        m.put("transformer.wpe.out", Site.posEmbed());
        for (int i = 0; i < nLayer; i++) {
            String h = "transformer.h." + i + ".";
            m.put(h + "ln_1.out", Site.ln1Out(i));
            m.put(h + "attn.out", Site.attnOut(i));
            m.put(h + "ln_2.out", Site.ln2Out(i));
            m.put(h + "mlp.c_fc.out", Site.mlpPre(i));
            m.put(h + "mlp.c_proj.in", Site.mlpIn(i));
            m.put(h + "mlp.out", Site.mlpOut(i));
            m.put(h + "block.out", Site.layerOut(i));
        }
        m.put("transformer.ln_f.out", Site.finalNormOut());
        return m;
    }

    @Test
    void everyInternalMatchesItsSite() throws Exception {
        Map<String, Site> map = internalsMap(gpt.nLayer());
        for (JsonNode p : meta.get("prompts")) {
            int i = p.get("index").asInt();
            long[] ids = gpt.tokenizer().ids(p.get("prompt").asText());
            try (SafeTensors st = SafeTensors.open(dir.resolve("forward/p" + i + "_internals.safetensors"));
                 NDManager scope = gpt.newScope()) {
                int matched = 0;
                Output out = gpt.forward(scope, Batch.of(ids), Interventions.builder().record(gpt.sites()).build());
                for (String name : st.entries().keySet()) {
                    Site site = name.endsWith("mlp.c_proj.out")
                            ? Site.mlpOut(Integer.parseInt(name.split("\\.")[2])) : map.get(name);
                    assertTrue(site != null, "unmapped golden internal " + name);
                    double err = maxAbs(st.readFloatArray(name), out.get(site).toFloatArray());
                    assertTrue(err <= 1e-4, name + " vs " + site + ": " + err);
                    matched++;
                }
                assertTrue(matched >= map.size(), "matched " + matched);
                // layer.i.in is the previous block's output
                assertTrue(maxAbs(out.get(Site.layerIn(1)).toFloatArray(), out.get(Site.layerOut(0)).toFloatArray()) == 0);
            }
        }
    }

    /** The rows of a right-padded [B, T] id matrix without their padding (mask 1 on real tokens). */
    static List<long[]> unpad(long[] flat, long[] mask, int b, int t) {
        List<long[]> seqs = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            int n = 0;
            for (int i = 0; i < t; i++) n += (int) mask[r * t + i];
            long[] s = new long[n];
            System.arraycopy(flat, r * t, s, 0, n);
            seqs.add(s);
        }
        return seqs;
    }

    @Test
    void rightPaddedBatchMatchesAtRealPositions() throws Exception {
        Path f = dir.resolve("forward");
        Npy.Array idsArr = Npy.read(f.resolve("batch_right_padded_input_ids.npy"));
        Npy.Array maskArr = Npy.read(f.resolve("batch_right_padded_attention_mask.npy"));
        float[] goldLogits = Npy.read(f.resolve("batch_right_padded_logits_at_last_real_token.npy")).floats();
        Npy.Array hidden = Npy.read(f.resolve("batch_right_padded_hidden_states.npy"));
        int b = (int) idsArr.shape()[0];
        int t = (int) idsArr.shape()[1];
        long[] flat = idsArr.longs();
        long[] mask = maskArr.longs();
        List<long[]> seqs = unpad(flat, mask, b, t);
        Batch batch = Batch.right(seqs, 50256);
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) assertEquals(flat[r * t + i], batch.id(r, i));
        }
        try (NDManager scope = gpt.newScope()) {
            Interventions rec = Interventions.builder().record(Site.embed(), Site.posEmbed()).record(
                    java.util.stream.IntStream.range(0, gpt.nLayer()).mapToObj(Site::layerOut).toList()).build();
            Output last = gpt.forwardLast(scope, batch, Interventions.NONE);
            assertTrue(maxAbs(goldLogits, last.logits().toFloatArray()) <= 1e-4);
            Output all = gpt.forward(scope, batch, rec);
            float[] h0 = all.get(Site.embed()).add(all.get(Site.posEmbed())).toFloatArray();
            float[] gold = hidden.floats();
            int d = 64;
            double worst = 0;
            for (int layer = 0; layer < 4; layer++) {
                float[] ours = layer == 0 ? h0 : all.get(Site.layerOut(layer - 1)).toFloatArray();
                for (int r = 0; r < b; r++) {
                    for (int i = 0; i < batch.length(r); i++) {
                        for (int k = 0; k < d; k++) {
                            int gi = ((layer * b + r) * t + i) * d + k;
                            int oi = (r * t + i) * d + k;
                            worst = Math.max(worst, Math.abs(gold[gi] - ours[oi]));
                        }
                    }
                }
            }
            assertTrue(worst <= 1e-4, "hidden states at real positions: " + worst);
        }
    }
}
