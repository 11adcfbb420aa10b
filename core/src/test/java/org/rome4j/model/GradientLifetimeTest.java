package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.junit.jupiter.api.Test;
import org.rome4j.intervene.Cells;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.rome.Autograd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Gradients must not depend on when the garbage collector runs. DJL's {@code x.mul(0.5f)} backs its
 * scalar with a Java direct buffer and closes it right after the op, while autograd keeps it for the
 * backward pass; once the buffer is collected and its memory reused, the backward reads garbage
 * (seen here as infinite, 1e-22 or NaN gradients in about a third of the trials, and as the rare
 * v* and training failures before the fix). These tests collect garbage and refill freed memory
 * with NaN between the forward and the backward pass.
 */
class GradientLifetimeTest {
    private static final int TRIALS = 30;

    /** Frees what is unreachable and hands its memory out again, filled with NaN; keep the result alive. */
    private static List<ByteBuffer> pressure() throws InterruptedException {
        List<ByteBuffer> junk = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            System.gc();
            Thread.sleep(2);
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 * (1 + i % 4)).order(ByteOrder.nativeOrder());
                for (int j = 0; j < b.capacity() / 4; j++) b.putFloat(j * 4, Float.NaN);
                junk.add(b);
            }
        }
        return junk;
    }

    /** d/dx of HF's gelu_new, in double. */
    private static double geluNewGrad(double x) {
        double c = Math.sqrt(2 / Math.PI);
        double u = c * (x + 0.044715 * x * x * x);
        double t = Math.tanh(u);
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
    }

    @Test
    void activationGradientsSurviveGarbageCollection() throws Exception {
        float[] xs = {-2f, -0.5f, 0f, 0.7f, 1.5f, 3f};
        int wrong = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            float[] g = Autograd.run(gc -> {
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray x = m.create(xs);
                    x.setRequiresGradient(true);
                    NDArray y = Layers.activation("gelu_new", x).sum();
                    List<ByteBuffer> keep;
                    try {
                        keep = pressure();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    gc.backward(y);
                    assertEquals(true, !keep.isEmpty());
                    return x.getGradient().toFloatArray();
                }
            });
            for (int i = 0; i < xs.length; i++) {
                if (!(Math.abs(g[i] - geluNewGrad(xs[i])) < 1e-5)) wrong++;
            }
        }
        assertEquals(0, wrong, "gelu_new gradients wrong after a collection");
    }

    @Test
    void modelGradientIsTheSameWhateverTheCollectorDoes() throws Exception {
        try (Gpt gpt = Models.load("tiny-facts")) {
            Batch batch = Batch.right(List.of(gpt.tokenizer().ids("Vinson Massif is located in the continent of")), gpt.tokenizer().padId());
            int t = batch.tokens();
            float[] reference = gradient(gpt, batch, t, false);
            for (int trial = 0; trial < TRIALS / 3; trial++) {
                assertArrayEquals(reference, gradient(gpt, batch, t, true), "trial " + trial);
            }
        }
    }

    /** Gradient of the last position's log-probability of token 89 w.r.t. a vector added to layer 0's MLP output at token 1. */
    private static float[] gradient(Gpt gpt, Batch batch, int t, boolean collect) {
        return Autograd.run(gc -> {
            try (NDManager scope = gpt.newScope()) {
                NDArray delta = scope.zeros(new ai.djl.ndarray.types.Shape(gpt.config().nEmbd()));
                delta.setRequiresGradient(true);
                Site site = Site.mlpOut(0);
                Interventions iv = Interventions.builder().add(site, Cells.of(new int[] {0}, new int[] {1}), delta).build();
                NDArray logits = gpt.forward(scope, batch, iv).logits();
                NDArray lp = logits.get(new NDIndex("0, " + (t - 1))).logSoftmax(-1).get(89);
                List<ByteBuffer> keep = List.of();
                if (collect) {
                    try {
                        keep = pressure();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                gc.backward(lp);
                float[] g = delta.getGradient().toFloatArray();
                assertEquals(collect, !keep.isEmpty());
                return g;
            }
        });
    }
}
