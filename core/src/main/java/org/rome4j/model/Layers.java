package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The few tensor functions the blocks share. Each takes the activation as the receiver, so results
 * live in the forward's scope, never in the weights' manager.
 */
final class Layers {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float INV_SQRT_2 = (float) (1.0 / Math.sqrt(2.0));

    private Layers() { }

    /** LayerNorm over the last axis with biased variance, as torch computes it. */
    static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        return LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, (float) eps).singletonOrThrow();
    }

    /** HF Conv1D: {@code x @ W + b} with W stored [in, out]. */
    static NDArray conv1d(NDArray x, NDArray w, NDArray b) {
        return x.matMul(w).add(b);
    }

    /** {@code nn.Linear}: {@code x @ W^T + b} with W stored [out, in]; {@code b} may be null. */
    static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return b == null ? Linear.linear(x, w).singletonOrThrow() : Linear.linear(x, w, b).singletonOrThrow();
    }

    /** {@code x @ W^T}: the tied LM head. */
    static NDArray linearT(NDArray x, NDArray w) {
        return Linear.linear(x, w).singletonOrThrow();
    }

    /**
     * A scalar operand for an op on {@code x}, made in x's manager so that it lives until that scope
     * closes. Never write {@code x.mul(0.5f)} in code that autograd may run through: DJL makes such a
     * scalar over a Java direct buffer and closes it right after the op, but autograd keeps the tensor
     * for the backward pass, which then reads freed memory once the buffer is collected (wrong or
     * infinite gradients, rarely, depending on GC timing; {@code GradientLifetimeTest}).
     */
    static NDArray scalar(NDArray x, float v) {
        return x.getManager().create(v);
    }

    /** {@link #scalar(NDArray, float)} for an integer (same dtype DJL would use, so the same results). */
    static NDArray scalar(NDArray x, int v) {
        return x.getManager().create(v);
    }

    /**
     * gelu_new outside autograd: the same operations on the same operands (so the same bits), but on two temporaries
     * updated in place and freed at once instead of eight fresh [tokens, F] arrays held until the block ends: each
     * fresh array is new memory to fault in, and this is the forward's largest elementwise work (key statistics).
     */
    private static NDArray geluTanhInPlace(NDArray x) {
        NDArray t = x.pow(scalar(x, 3));
        t.muli(scalar(x, 0.044715f));
        t.addi(x);                                  // t + x: IEEE addition commutes, so x + t to the bit
        t.muli(scalar(x, SQRT_2_OVER_PI));
        NDArray th = t.tanh();
        t.close();
        th.addi(scalar(x, 1f));
        NDArray out = x.mul(scalar(x, 0.5f));
        out.muli(th);
        th.close();
        return out;
    }

    /** The MLP activation by its HF name. gelu_new is composed: the engine has no tanh-GELU op. */
    static NDArray activation(String name, NDArray x) {
        switch (name) {
            case "gelu_new":
            case "gelu_pytorch_tanh": {
                if (!JniUtils.isGradMode()) return geluTanhInPlace(x);
                NDArray inner = x.add(x.pow(scalar(x, 3)).mul(scalar(x, 0.044715f))).mul(scalar(x, SQRT_2_OVER_PI));
                return x.mul(scalar(x, 0.5f)).mul(inner.tanh().add(scalar(x, 1f)));
            }
            case "gelu":
                return x.mul(scalar(x, 0.5f)).mul(x.mul(scalar(x, INV_SQRT_2)).erf().add(scalar(x, 1f)));
            case "silu":
            case "swish":
                return x.mul(Activation.sigmoid(x));
            case "relu":
                return x.maximum(scalar(x, 0f));
            default:
                throw new IllegalArgumentException("unsupported activation " + name);
        }
    }
}
