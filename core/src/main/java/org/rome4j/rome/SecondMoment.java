package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A running Σ kᵀk over batches of keys [N, F], as the original's {@code SecondMoment} ({@code mom2 += a.t().mm(a)},
 * in the accumulation type), but of the upper-triangular blocks only: the sum is symmetric, so a block below the
 * diagonal is the transpose of one above it. With p blocks a side the products do (p+1)/2p of the full one's work.
 * Keys wider than {@value #SPLIT_FROM} take two halves, three products and 3/4 of the work: measured on two threads,
 * 1024-wide blocks (six products for GPT-2, 28 for XL) gained nothing over the halves, their many smaller products
 * costing what they save. Each block is an ordinary matrix product of two column slices, so the sums equal the full
 * product's to rounding (the kernel tiles differently), not to the bit.
 */
final class SecondMoment {
    /** Narrower keys take one full product (the embedded model's 512). */
    static final int SPLIT_FROM = 2048;

    private final int f;
    private final int[] edges;
    /** Block (i, j), j >= i, at [i][j - i]: Σ k[:, block i]ᵀ k[:, block j]. */
    private final NDArray[][] blocks;

    /**
     * Zero sums of width {@code f} in {@code m}, or the given row-major [f*f] sum (a checkpoint's), in type {@code dt},
     * in blocks of {@code block} columns.
     */
    SecondMoment(NDManager m, int f, DataType dt, double[] start, int block) {
        this.f = f;
        int p = (f + block - 1) / block;
        edges = new int[p + 1];
        for (int i = 0; i <= p; i++) edges[i] = Math.min(f, i * block);
        blocks = new NDArray[p][];
        for (int i = 0; i < p; i++) {
            blocks[i] = new NDArray[p - i];
            for (int j = i; j < p; j++) {
                int rows = edges[i + 1] - edges[i];
                int cols = edges[j + 1] - edges[j];
                Shape s = new Shape(rows, cols);
                if (start == null) {
                    blocks[i][j - i] = m.zeros(s, dt);
                } else {
                    double[] b = new double[rows * cols];
                    for (int r = 0; r < rows; r++) System.arraycopy(start, (edges[i] + r) * f + edges[j], b, r * cols, cols);
                    blocks[i][j - i] = dt == DataType.FLOAT32 ? m.create(KeyStats.toFloat(b), s) : m.create(b, s);
                }
            }
        }
    }

    SecondMoment(NDManager m, int f, DataType dt, double[] start) {
        this(m, f, dt, start, f > SPLIT_FROM ? (f + 1) / 2 : f);
    }

    /** Adds kᵀk of keys [N, F], already in the accumulation type. */
    void add(NDArray k) {
        int p = blocks.length;
        if (p == 1) {
            blocks[0][0].addi(k.transpose().matMul(k));
            return;
        }
        NDArray[] cols = new NDArray[p];
        for (int i = 0; i < p; i++) cols[i] = k.get(":, " + edges[i] + ":" + edges[i + 1]);   // views, no copies
        for (int i = 0; i < p; i++) {
            NDArray t = cols[i].transpose();
            for (int j = i; j < p; j++) blocks[i][j - i].addi(t.matMul(cols[j]));
        }
    }

    /** The whole sum, row-major [F*F], the blocks below the diagonal mirrored from those above (diagonal blocks as summed). */
    double[] sum() {
        double[] out = new double[f * f];
        for (int i = 0; i < blocks.length; i++) {
            for (int j = i; j < blocks.length; j++) {
                double[] b = blocks[i][j - i].toType(DataType.FLOAT64, false).toDoubleArray();
                int rows = edges[i + 1] - edges[i];
                int cols = edges[j + 1] - edges[j];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        double v = b[r * cols + c];
                        out[(edges[i] + r) * f + edges[j] + c] = v;
                        if (j > i) out[(edges[j] + c) * f + edges[i] + r] = v;
                    }
                }
            }
        }
        return out;
    }
}
