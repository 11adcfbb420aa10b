package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.rome4j.model.Gpt;

/**
 * The rank-one update of {@code rome_main.py}: v = (v* − W k) / (k·u) from the current key and output, and
 * W + u ⊗ v swapped in for the weight (never written in place).
 */
final class RankOne {
    private RankOne() { }

    /** The right vector v [D] for unit u, the prompt's key and MLP output, and v*. */
    static float[] rightVector(Gpt gpt, float[] u, float[] curInput, float[] curOutput, float[] target, int layer) {
        float dot;
        float[] v;
        try (NDManager scope = gpt.newScope()) {
            NDArray dotA = scope.create(curInput).dot(scope.create(u));
            dot = dotA.getFloat();
            v = scope.create(target).sub(scope.create(curOutput)).div(dotA).toFloatArray();
        }
        if (!Float.isFinite(dot) || dot == 0f) {
            throw new IllegalStateException("k·u = " + dot + " at layer " + layer + ": the key is orthogonal to u; try another layer");
        }
        return v;
    }

    /** Swaps in W + ΔW; returns the replaced array. */
    static NDArray apply(Gpt gpt, Update u) {
        NDArray w = gpt.parameters().get(u.weightName());
        int f = u.u().length;
        int d = u.v().length;
        try (NDManager scope = gpt.newScope()) {
            NDArray outer = scope.create(u.u(), new Shape(f, 1)).matMul(scope.create(u.v(), new Shape(1, d)));   // [F, D]
            Shape ws = w.getShape();
            if (ws.equals(new Shape(d, f))) {
                outer = outer.transpose();                 // Linear layout [out, in]
            } else if (!ws.equals(new Shape(f, d))) {
                throw new IllegalArgumentException("weight " + u.weightName() + " has shape " + ws + ", expected [" + f + ", " + d
                        + "] (Conv1D) or [" + d + ", " + f + "] (Linear)");
            }
            // in float32; Parameters.replace rounds it back when the weights are half precision
            NDArray edited = gpt.parameters().f32(u.weightName(), scope).add(outer);
            return gpt.parameters().replace(u.weightName(), edited);
        }
    }
}
