package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;
import org.rome4j.io.Npy;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ROME on GPT-J, GPT-NeoX and Llama against the original {@code apply_rome_to_model}
 * (../shared/golden/arch/{family}/rome): the key statistics over the golden corpus, u, v and the
 * change of the stored nn.Linear weight [out, in] within 1e-3 relative, the post-edit logits, and an
 * undo that gives back the original bytes.
 */
class FamilyRomeParityTest {
    static final String REWRITE = "Michael Jordan plays the sport of";
    static final String UNRELATED = "The Space Needle is located in the city of";

    static double rel(float[] golden, float[] ours) {
        assertEquals(golden.length, ours.length, "length");
        double m = 0;
        double s = 0;
        for (int i = 0; i < golden.length; i++) {
            m = Math.max(m, Math.abs((double) golden[i] - ours[i]));
            s = Math.max(s, Math.abs(golden[i]));
        }
        return m / s;
    }

    static double rel(double[] golden, double[] ours) {
        assertEquals(golden.length, ours.length, "length");
        double m = 0;
        double g = 0;
        for (int i = 0; i < golden.length; i++) {
            m = Math.max(m, Math.abs(golden[i] - ours[i]));
            g = Math.max(g, Math.abs(golden[i]));
        }
        return m / g;
    }

    static float[] last(Gpt gpt, String prompt) {
        try (NDManager scope = gpt.newScope()) {
            return gpt.forwardLast(scope, Batch.of(gpt.tokenizer().ids(prompt)), Interventions.NONE).logits().toFloatArray();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gptj", "gpt_neox", "llama"})
    void editMatchesOriginal(String family) throws Exception {
        Path dir = Shared.arch(family).resolve("rome");
        Path gpt2 = Shared.tinyGpt2().resolve("rome");
        JsonNode golden = new ObjectMapper().readTree(dir.resolve("rome.json").toFile());
        try (Gpt gpt = Gpt.load(Shared.arch(family))) {
            String weight = golden.get("weight_name").asText();
            assertEquals(weight, gpt.rewritableWeight(1));
            Npy.Array mom2 = Npy.read(dir.resolve("mom2_float32.npy"));
            int f = (int) mom2.shape()[0];

            // statistics: our collector over the same corpus gives the original's C
            KeyStats ours = KeyStats.collector(gpt, 1).collect(
                    Files.readAllLines(gpt2.resolve("corpus.txt")).stream().filter(l -> !l.isBlank()).iterator());
            assertEquals(golden.get("mom2_count").asLong(), ours.count(), "statistics token count");
            float[] c = KeyStats.toFloat(ours.moment());
            double eC = rel(mom2.floats(), c);
            assertTrue(eC < 1e-4, family + " C relative error " + eC);

            RomeHparams hp = RomeHparams.read(dir.resolve("hparams.json"));
            Rome rome = Rome.builder(gpt).setHparams(hp).optTemplates(ContextTemplates.read(gpt2.resolve("context_templates.json")))
                    .optStats(1, KeyStats.ofMoment(toDouble(mom2.floats()), f, golden.get("mom2_count").asLong(), "float32"))
                    .build();
            JsonNode r = golden.get("request");
            float[] before = gpt.parameters().get(weight).toFloatArray();
            Edit e = rome.apply(Request.of(r.get("prompt").asText(), r.get("subject").asText(),
                    r.get("target_new").get("str").asText()));
            Update u = e.updates().get(0);
            double eU = rel(npy(dir, "jordan_football_u"), u.u());
            double eV = rel(npy(dir, "jordan_football_v"), u.v());
            NDArray edited = gpt.parameters().get(weight);
            assertArrayEquals(golden.get("weight_shape").traverse(new ObjectMapper()).readValueAs(long[].class),
                    edited.getShape().getShape(), "stored [out, in] layout");
            float[] after = edited.toFloatArray();
            float[] delta = new float[after.length];
            for (int i = 0; i < delta.length; i++) delta[i] = after[i] - before[i];
            double eW = rel(npy(dir, "jordan_football_delta_weight"), delta);
            double eRew = rel(npy(dir, "jordan_football_post_edit_logits_rewrite"), last(gpt, REWRITE));
            double eUnrel = rel(npy(dir, "jordan_football_post_edit_logits_unrelated"), last(gpt, UNRELATED));
            rome.undo();
            float[] restored = gpt.parameters().get(weight).toFloatArray();
            assertTrue(Arrays.equals(before, restored), "undo gives back the original weight bit for bit");
            double ePre = rel(npy(dir, "jordan_football_pre_edit_logits_rewrite"), last(gpt, REWRITE));
            System.out.printf("%s ROME parity (relative): C %.2e  u %.2e  v %.2e  dW %.2e  post logits %.2e / %.2e  "
                    + "P %.3g->%.3g (golden %.3g->%.3g)%n", family, eC, eU, eV, eW, eRew, eUnrel, e.pre().targetProb(),
                    e.post().targetProb(), golden.get("target_prob").get("pre").asDouble(),
                    golden.get("target_prob").get("post").asDouble());
            assertTrue(eU < 1e-3, family + " u " + eU);
            assertTrue(eV < 1e-3, family + " v " + eV);
            assertTrue(eW < 1e-3, family + " weight change " + eW);
            assertTrue(eRew < 1e-3 && eUnrel < 1e-3, family + " post-edit logits " + eRew + " " + eUnrel);
            assertTrue(ePre < 1e-5, family + " pre-edit logits after undo " + ePre);
            assertEquals(Math.log(golden.get("target_prob").get("pre").asDouble()), Math.log(e.pre().targetProb()), 1e-3);
            assertEquals(Math.log(golden.get("target_prob").get("post").asDouble()), Math.log(e.post().targetProb()), 1e-2);
        }
    }

    static float[] npy(Path dir, String name) throws Exception {
        return Npy.read(dir.resolve(name + ".npy")).floats();
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < d.length; i++) d[i] = f[i];
        return d;
    }

    @org.junit.jupiter.api.Test
    void presetsAreTheOriginalsAndNameEachFamilysModules() throws Exception {
        // the golden edits ran the original's GPT-J file with only layers, v_loss_layer and the sample count changed
        com.fasterxml.jackson.databind.node.ObjectNode golden = RomeHparams.read(Shared.arch("gptj").resolve("rome/hparams.json"))
                .toJson();
        com.fasterxml.jackson.databind.node.ObjectNode preset = RomeHparams.preset("EleutherAI_gpt-j-6B").toJson();
        for (String k : new String[] {"layers", "v_loss_layer", "mom2_n_samples"}) {
            golden.remove(k);
            preset.remove(k);
        }
        assertEquals(golden, preset);
        for (String[] fp : new String[][] {{"gptj", "EleutherAI_gpt-j-6B"}, {"llama", "llama-family-untuned"}}) {
            try (Gpt gpt = Gpt.load(Shared.arch(fp[0]))) {
                var want = gpt.architecture().moduleTemplates(gpt.config());
                com.fasterxml.jackson.databind.node.ObjectNode p = RomeHparams.preset(fp[1]).toJson();
                for (var e : want.entrySet()) assertEquals(e.getValue(), p.get(e.getKey()).asText(), fp[1] + " " + e.getKey());
            }
        }
        // a GPT-2 preset on a Llama model: one line naming the family's projection
        try (Gpt gpt = Gpt.load(Shared.arch("llama"))) {
            // gpt2-xl's numbers with layers that fit, so that only the module template is wrong
            com.fasterxml.jackson.databind.node.ObjectNode xl = RomeHparams.preset("gpt2-xl").toJson();
            xl.put("v_loss_layer", gpt.nLayer() - 1);
            Rome rome = Rome.builder(gpt).setHparams(RomeHparams.parse(xl, "gpt2-xl").withLayers(java.util.List.of(1)))
                    .optTemplates(java.util.List.of("{}")).optMeasure(false).build();
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> rome.compute(Request.of("{} plays", "Michael Jordan", "golf"), 1));
            assertTrue(e.getMessage().contains("set rewrite_module_tmp to \"model.layers.{}.mlp.down_proj\""), e.getMessage());
        }
    }
}
