package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * AlphaEdit's null-space projector ({@code get_project} of its {@code evaluate.py}): P = U·Uᵀ over the
 * eigenvectors of C whose eigenvalue is under the threshold. C is symmetric positive definite, so P is the
 * spectral projector (I − sign(C − t·I)) / 2; the matrix sign is computed in float64 by the scaled Newton
 * iteration X ← (μX + (μX)⁻¹)/2, which needs only the engine's inverse (DJL exposes no symmetric
 * eigensolver) and converges quadratically to rounding (checked against an eigendecomposition's P to 1e-10).
 */
public final class Projector {
    private static final int MAX_ITERATIONS = 100;

    /**
     * A projector.
     *
     * @param matrix     P, float64 [F, F]
     * @param nullDims   the null-space size, trace(P) rounded (eigenvalues under the threshold)
     * @param threshold  the threshold used
     */
    public record Result(NDArray matrix, int nullDims, double threshold) { }

    private Projector() { }

    /**
     * The projector onto the eigenvectors of {@code c} (float64 [F, F], symmetric) with eigenvalue below
     * {@code t}; its arrays live in {@code c}'s manager.
     *
     * @throws IllegalArgumentException when t is an eigenvalue (no spectral gap at it) or not positive
     */
    public static Result below(NDArray c, double t, int layer) {
        if (!(t > 0)) {
            throw new IllegalArgumentException("nullspace threshold " + t + " must be > 0 (layer " + layer + ")");
        }
        int f = (int) c.getShape().get(0);
        NDManager owner = c.getManager();
        try (NDManager s = owner.newSubManager()) {
            NDArray eye = s.eye(f).toType(DataType.FLOAT64, false);
            NDArray x = c.sub(eye.mul(s.create(t)));
            x = x.div(x.norm());
            for (int it = 0; it < MAX_ITERATIONS; it++) {
                NDArray next;
                double change;
                try (NDManager step = s.newSubManager()) {      // one iteration's temporaries (F² each) freed at once
                    NDArray xi = x.inverse();
                    xi.attach(step);
                    double nx = x.norm().getDouble();
                    double ni = xi.norm().getDouble();
                    if (!Double.isFinite(ni) || ni == 0) throw noGap(t, layer);
                    double mu = Math.sqrt(ni / nx);
                    next = x.mul(step.create(mu)).add(xi.mul(step.create(1 / mu))).mul(step.create(0.5));
                    change = next.sub(x).norm().getDouble();
                    next.attach(s);
                }
                x.close();
                x = next;
                if (!Double.isFinite(change)) throw noGap(t, layer);
                if (change <= 1e-13 * Math.sqrt(f)) break;
            }
            NDArray sign = x.add(x.transpose()).mul(s.create(0.5));
            NDArray p = eye.sub(sign).mul(s.create(0.5));
            double trace = 0;
            double[] diag = p.toDoubleArray();
            for (int i = 0; i < f; i++) trace += diag[i * f + i];
            p.attach(owner);
            return new Result(p, (int) Math.round(trace), t);
        }
    }

    private static IllegalArgumentException noGap(double t, int layer) {
        return new IllegalArgumentException("nullspace threshold " + t + " is an eigenvalue of C at layer " + layer
                + ": move it into a gap of the spectrum");
    }

    /** The largest eigenvalue of a symmetric positive semi-definite {@code c} (float64 [F, F]), by power iteration. */
    public static double largestEigenvalue(NDArray c) {
        int f = (int) c.getShape().get(0);
        try (NDManager s = c.getManager().newSubManager()) {
            NDArray v = s.ones(new Shape(f, 1), DataType.FLOAT64).div(s.create(Math.sqrt(f)));
            double lambda = 0;
            for (int it = 0; it < 1000; it++) {
                NDArray w = c.matMul(v);
                double next = w.norm().getDouble();
                if (next == 0) return 0;
                v = w.div(s.create(next));
                if (Math.abs(next - lambda) <= 1e-12 * next) return next;
                lambda = next;
            }
            return lambda;
        }
    }
}
