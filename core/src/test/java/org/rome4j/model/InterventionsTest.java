package org.rome4j.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.intervene.Cells;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Record, replace, add, stop and gradients through the one intervention mechanism. */
class InterventionsTest {
    static Gpt gpt;
    static long[] ids;

    @BeforeAll
    static void load() {
        gpt = Gpt.load(Shared.tinyGpt2());
        ids = gpt.tokenizer().ids("Michael Jordan plays the sport of");
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    static double maxAbs(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    @Test
    void replacingWithTheCleanValueChangesNothing() {
        try (NDManager s = gpt.newScope()) {
            Output clean = gpt.forward(s, Batch.of(ids), Interventions.builder().record(Site.mlpOut(1)).build());
            NDArray v = clean.get(Site.mlpOut(1)).get(new NDIndex("0, 2"));
            Output patched = gpt.forward(s, Batch.of(ids), Interventions.builder().replace(Site.mlpOut(1), Cells.at(0, 2), v).build());
            assertEquals(0.0, maxAbs(clean.logits().toFloatArray(), patched.logits().toFloatArray()));
        }
    }

    @Test
    void replaceActsOnlyOnItsRowAndLaterPositions() {
        try (NDManager s = gpt.newScope()) {
            Batch two = Batch.right(List.of(ids, ids), 50256);
            NDArray zeros = s.zeros(new ai.djl.ndarray.types.Shape(64));
            Output out = gpt.forward(s, two, Interventions.builder()
                    .replace(Site.layerOut(0), Cells.at(1, 3), zeros).record(Site.layerOut(0), Site.layerOut(2)).build());
            float[] row0 = out.get(Site.layerOut(2)).get(new NDIndex("0")).toFloatArray();
            float[] row1 = out.get(Site.layerOut(2)).get(new NDIndex("1")).toFloatArray();
            int d = 64;
            // positions before 3 are identical on both rows (causal), position 3 onward differ
            for (int t = 0; t < ids.length; t++) {
                double diff = 0;
                for (int k = 0; k < d; k++) diff = Math.max(diff, Math.abs(row0[t * d + k] - row1[t * d + k]));
                if (t < 3) assertEquals(0.0, diff, "position " + t);
                else assertTrue(diff > 1e-3, "position " + t + " should change");
            }
            // the recorded value at the site is the patched one
            assertEquals(0.0, maxAbs(out.get(Site.layerOut(0)).get(new NDIndex("1, 3")).toFloatArray(), new float[d]));
        }
    }

    @Test
    void addingIsTheSameAsReplacingWithTheSum() {
        try (NDManager s = gpt.newScope()) {
            Output clean = gpt.forward(s, Batch.of(ids), Interventions.builder().record(Site.embed()).build());
            float[][] delta = new float[2][64];
            for (int k = 0; k < 64; k++) {
                delta[0][k] = 0.1f * k / 64;
                delta[1][k] = -0.05f;
            }
            Cells cells = Cells.of(new int[] {0, 0}, new int[] {0, 1});
            NDArray sum = clean.get(Site.embed()).get(new NDIndex("0, 0:2")).add(s.create(delta));
            Output a = gpt.forward(s, Batch.of(ids), Interventions.builder().add(Site.embed(), cells, delta).build());
            Output r = gpt.forward(s, Batch.of(ids), Interventions.builder().replace(Site.embed(), cells, sum).build());
            assertTrue(maxAbs(a.logits().toFloatArray(), r.logits().toFloatArray()) < 1e-5);
            assertTrue(maxAbs(a.logits().toFloatArray(), clean.logits().toFloatArray()) > 1e-3);
        }
    }

    @Test
    void stopAfterSkipsTheRest() {
        try (NDManager s = gpt.newScope()) {
            Output out = gpt.forward(s, Batch.of(ids), Interventions.builder().record(Site.mlpIn(1)).stopAfter(Site.mlpIn(1)).build());
            assertFalse(out.hasLogits());
            assertEquals(new ai.djl.ndarray.types.Shape(1, ids.length, 256), out.get(Site.mlpIn(1)).getShape());
            assertThrows(IllegalArgumentException.class, () -> out.get(Site.layerOut(3)));
        }
    }

    @Test
    void gradientsFlowThroughAnAddedVector() {
        try (NDManager s = gpt.newScope()) {
            NDArray delta = s.zeros(new ai.djl.ndarray.types.Shape(64));
            delta.setRequiresGradient(true);
            int last = ids.length - 1;
            long target = 4346;
            float lossAt0;
            float[] grad;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Output out = gpt.forwardLast(s, Batch.of(ids), Interventions.builder().add(Site.mlpOut(1), Cells.at(0, last), delta).build());
                NDArray loss = out.logits().logSoftmax(-1).get(new NDIndex("0, 0, " + target)).neg();
                lossAt0 = loss.getFloat();
                gc.backward(loss);
            }
            grad = delta.getGradient().toFloatArray();
            double norm = 0;
            for (float g : grad) norm += g * g;
            assertTrue(norm > 0, "gradient reaches delta");
            // finite-difference check along the gradient direction
            float eps = 1e-2f;
            float[] step = new float[64];
            double n = Math.sqrt(norm);
            for (int k = 0; k < 64; k++) step[k] = (float) (-eps * grad[k] / n);
            Output moved = gpt.forwardLast(s, Batch.of(ids), Interventions.builder()
                    .add(Site.mlpOut(1), Cells.at(0, last), new float[][] {step}).build());
            float lossAfter = moved.logits().logSoftmax(-1).get(new NDIndex("0, 0, " + target)).neg().getFloat();
            double predicted = -eps * n;
            assertEquals(predicted, lossAfter - lossAt0, Math.abs(predicted) * 0.2, "first-order change matches the gradient");
        }
    }

    @Test
    void recordsEverySiteWithItsShape() {
        try (NDManager s = gpt.newScope()) {
            Output out = gpt.forward(s, Batch.of(ids), Interventions.builder().record(gpt.sites()).build());
            assertEquals(gpt.sites().size(), out.recorded().size());
            assertArrayEquals(new long[] {1, ids.length, 256}, out.get(Site.parse("layer.3.mlp.pre")).getShape().getShape());
            assertArrayEquals(new long[] {1, ids.length, 50257}, out.get(Site.logits()).getShape().getShape());
        }
    }

    @Test
    void unknownSitesNameTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Site.parse("layer.2.mlp.output"));
        assertTrue(e.getMessage().contains("layer.{i}.mlp.out"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Site.parse("layer.7.out").checkLayers(4));
        assertTrue(e.getMessage().contains("try layer.3.out"), e.getMessage());
    }
}
