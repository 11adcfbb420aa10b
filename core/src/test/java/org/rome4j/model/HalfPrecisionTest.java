package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;
import org.rome4j.io.Npy;
import org.rome4j.io.SafeTensors;
import org.rome4j.rome.ContextTemplates;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.Request;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weights kept in F16 or BF16 and computed in float32 per layer: the stored arrays are half, their
 * widening is exact, the logits are the float32-computed ones (the llama golden's bf16 logits), and
 * an edit is rounded to the stored type and undone to the same array.
 */
class HalfPrecisionTest {
    static final String[] PROMPTS = FamilyParityTest.PROMPTS;

    /**
     * Largest difference allowed between the logits of the same weights computed along two paths (half weights widened at
     * each use, or the same values stored as F32): both compute in float32, but through kernels that may sum in another
     * order, so they agree to rounding, not to the bit, and which bits depends on the CPU (2.7e-7 apart on an AMD EPYC for
     * logits near 1, where one float32 step is 1.2e-7). 1e-5 leaves 40x that and is still 10x tighter than the 1e-4 parity
     * bound against HF's float64 logits, so a changed weight or config still fails.
     */
    static final double SAME_WEIGHTS = 1e-5;

    /** The llama golden folder with its bf16 variant as model.safetensors (links, no copies). */
    static Path bf16Llama(Path tmp) throws Exception {
        Path src = Shared.arch("llama").toAbsolutePath();
        Path dir = Files.createDirectories(tmp.resolve("llama-bf16"));
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (Files.isRegularFile(f) && !n.equals("model.safetensors")) {
                    Files.createSymbolicLink(dir.resolve(n.equals("model.bf16.safetensors") ? "model.safetensors" : n), f);
                }
            }
        }
        return dir;
    }

    /** The nearest IEEE half to x, ties to even (normal and subnormal range). */
    static float roundHalf(float x) {
        float a = Math.abs(x);
        if (a == 0) return x;
        double q = Math.scalb(1.0, Math.max(Math.getExponent(a), -14) - 10);     // the spacing of halves near a
        return (float) Math.copySign(Math.rint(a / q) * q, x);
    }

    static float[] last(Gpt gpt, String prompt) {
        try (NDManager scope = gpt.newScope()) {
            return gpt.forwardLast(scope, Batch.of(gpt.tokenizer().ids(prompt)), Interventions.NONE).logits().toFloatArray();
        }
    }

    @Test
    void bf16WeightsStayBf16AndGiveTheGoldensFloat32ComputedLogits(@TempDir Path tmp) throws Exception {
        Path dir = bf16Llama(tmp);
        Path f = Shared.arch("llama").resolve("forward");
        try (Gpt gpt = Gpt.load(dir, WeightType.BF16); SafeTensors st = SafeTensors.open(dir.resolve("model.safetensors"));
             NDManager scope = gpt.newScope()) {
            assertEquals(WeightType.BF16, gpt.parameters().type());
            for (Map.Entry<String, NDArray> e : gpt.parameters().all().entrySet()) {
                assertEquals(DataType.FLOAT16, e.getValue().getDataType(), e.getKey() + " kept as bf16 bits (FLOAT16 container)");
                assertArrayEquals(st.readFloatArray(e.getKey()), gpt.parameters().f32(e.getKey(), scope).toFloatArray(),
                        e.getKey() + " widened exactly");
            }
            double worst = 0;
            for (int p = 0; p < PROMPTS.length; p++) {
                float[] want = Npy.read(f.resolve("bf16_p" + p + "_logits_last.npy")).floats();
                double err = FamilyParityTest.maxAbs(want, last(gpt, PROMPTS[p]));
                worst = Math.max(worst, err);
                assertTrue(err <= 1e-4, "bf16 p" + p + " logits " + err);
            }
            System.out.println("llama bf16 (weights bf16, compute f32) vs golden bf16 logits: " + worst);
        }
    }

    @Test
    void halfTypesComputeAsTheirFloat32Widening(@TempDir Path tmp) throws Exception {
        GptLoadTest.read();                              // the tiny GPT-2 weights writeHalf rewrites in F16 / BF16
        for (String dtype : List.of("F16", "BF16")) {
            Path dir = GptLoadTest.folder(tmp.resolve(dtype));
            GptLoadTest.writeHalf(dir.resolve("model.safetensors"), dtype);
            try (Gpt widened = Gpt.load(dir); Gpt half = Gpt.load(dir, WeightType.parse(dtype.toLowerCase()))) {
                DataType stored = half.parameters().get("transformer.h.0.mlp.c_fc.weight").getDataType();
                assertEquals(DataType.FLOAT16, stored);
                double err = FamilyParityTest.maxAbs(last(widened, PROMPTS[0]), last(half, PROMPTS[0]));
                assertTrue(err <= SAME_WEIGHTS, dtype + ": widened at load or at each use, logits off by " + err);
            }
        }
        try (Gpt f32 = Gpt.load(Shared.arch("llama")); Gpt f16 = Gpt.load(Shared.arch("llama"), WeightType.F16);
             NDManager scope = f32.newScope()) {
            String w = "model.layers.0.mlp.down_proj.weight";
            float[] x = f32.parameters().get(w).toFloatArray();
            float[] h = f16.parameters().f32(w, scope).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(roundHalf(x[i]), h[i], 0f, "f16 rounding of element " + i);
            }
            double err = FamilyParityTest.maxAbs(last(f32, PROMPTS[0]), last(f16, PROMPTS[0]));
            System.out.println("llama f16 weights vs f32 weights, last logits: " + err);
            assertTrue(err < 0.5 && FamilyParityTest.argmax(last(f32, PROMPTS[0])) == FamilyParityTest.argmax(last(f16, PROMPTS[0])));
        }
    }

    @Test
    void bf16EditIsRoundedToBf16AndUndoneToTheSameArray(@TempDir Path tmp) throws Exception {
        Path rome = Shared.arch("llama").resolve("rome");
        Path gpt2 = Shared.tinyGpt2().resolve("rome");
        try (Gpt gpt = Gpt.load(bf16Llama(tmp), WeightType.BF16); NDManager scope = gpt.newScope()) {
            Npy.Array mom2 = Npy.read(rome.resolve("mom2_float32.npy"));
            double[] m = new double[mom2.floats().length];
            for (int i = 0; i < m.length; i++) m[i] = mom2.floats()[i];
            Rome r = Rome.builder(gpt).setHparams(RomeHparams.read(rome.resolve("hparams.json")))
                    .optTemplates(ContextTemplates.read(gpt2.resolve("context_templates.json")))
                    .optStats(1, KeyStats.ofMoment(m, (int) mom2.shape()[0], 2595, "float32")).optMeasure(false).build();
            String w = gpt.rewritableWeight(1);
            NDArray before = gpt.parameters().get(w);
            float[] w0 = gpt.parameters().f32(w, scope).toFloatArray();
            var u = r.apply(Request.of("{} plays the sport of", "Michael Jordan", "football")).updates().get(0);
            NDArray edited = gpt.parameters().get(w);
            assertEquals(DataType.FLOAT16, edited.getDataType(), "the edit is stored as bf16");
            float[] got = gpt.parameters().f32(w, scope).toFloatArray();
            int f = u.u().length;
            int d = u.v().length;
            for (int o = 0; o < d; o++) {
                for (int i = 0; i < f; i++) {
                    float want = w0[o * f + i] + u.u()[i] * u.v()[o];       // [out, in]: row o, column i
                    float rounded = Float.intBitsToFloat((HalfPrecision.toBf16(want) & 0xffff) << 16);
                    assertEquals(rounded, got[o * f + i], Math.ulp(want) * 2, "edited element [" + o + ", " + i + "]");
                }
            }
            r.undo();
            assertSame(before, gpt.parameters().get(w), "undo puts the original bf16 array back");
            assertArrayEquals(w0, gpt.parameters().f32(w, scope).toFloatArray());
        }
    }
}
