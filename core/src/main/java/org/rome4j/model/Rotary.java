package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/** Applies rotary position embedding to queries or keys [B, H, T, head width], as HF does. */
final class Rotary {
    private Rotary() { }

    /**
     * The cos and sin tables [B, 1, T, R] for flat position ids (row-major [B, T]): angle
     * {@code float32(p) * inv_freq[j]}, laid out {@code cat(f, f)} (half rotation) or
     * {@code repeat_interleave(f, 2)} (interleaved).
     */
    static NDArray[] tables(NDManager scope, Rope rope, long[] positions, int b, int t) {
        float[] inv = rope.inverseFrequencies();
        int r = rope.dims();
        int half = r / 2;
        float[] cos = new float[positions.length * r];
        float[] sin = new float[positions.length * r];
        for (int i = 0; i < positions.length; i++) {
            for (int j = 0; j < half; j++) {
                float angle = (float) positions[i] * inv[j];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                int a = rope.interleaved() ? 2 * j : j;
                int bIdx = rope.interleaved() ? 2 * j + 1 : j + half;
                cos[i * r + a] = c;
                cos[i * r + bIdx] = c;
                sin[i * r + a] = s;
                sin[i * r + bIdx] = s;
            }
        }
        Shape shape = new Shape(b, 1, t, r);
        return new NDArray[] {scope.create(cos, shape), scope.create(sin, shape)};
    }

    /** {@code x_rot * cos + rotate(x_rot) * sin} on the first R dims; the rest pass through. */
    static NDArray apply(NDArray x, NDArray[] cosSin, Rope rope) {
        int r = rope.dims();
        long hd = x.getShape().get(3);
        NDArray rot = r == hd ? x : x.get(new NDIndex("..., 0:" + r));
        NDArray rotated = rope.interleaved() ? rotateEveryTwo(rot) : rotateHalf(rot, r / 2);
        NDArray out = rot.mul(cosSin[0]).add(rotated.mul(cosSin[1]));
        if (r == hd) {
            return out;
        }
        return NDArrays.concat(new NDList(out, x.get(new NDIndex("..., " + r + ":"))), 3);
    }

    private static NDArray rotateHalf(NDArray x, int half) {
        NDArray x1 = x.get(new NDIndex("..., 0:" + half));
        NDArray x2 = x.get(new NDIndex("..., " + half + ":"));
        return NDArrays.concat(new NDList(x2.neg(), x1), 3);
    }

    private static NDArray rotateEveryTwo(NDArray x) {
        Shape s = x.getShape();
        NDArray pairs = x.reshape(s.get(0), s.get(1), s.get(2), s.get(3) / 2, 2);
        NDArray even = pairs.get(new NDIndex("..., 0"));
        NDArray odd = pairs.get(new NDIndex("..., 1"));
        return NDArrays.stack(new NDList(odd.neg(), even), 4).reshape(s);
    }
}
