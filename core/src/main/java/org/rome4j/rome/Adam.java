package org.rome4j.rome;

/**
 * {@code torch.optim.Adam} on one float32 vector (single-tensor path, float32 state), as the v* search
 * runs it; written out because the search steps a plain array between autograd passes.
 */
final class Adam {
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;
    private final double lr;
    private final float[] m;
    private final float[] v;
    private int step;

    Adam(double lr, int size) {
        this.lr = lr;
        this.m = new float[size];
        this.v = new float[size];
    }

    /** x − lr·m̂/(√v̂ + ε) for gradient {@code g}; {@code x} is not changed. */
    float[] step(float[] x, float[] g) {
        step++;
        double bc1 = 1 - Math.pow(B1, step);
        double bc2 = 1 - Math.pow(B2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float[] next = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            m[i] = m[i] + (float) (1 - B1) * (g[i] - m[i]);
            v[i] = v[i] * (float) B2 + (float) (1 - B2) * g[i] * g[i];
            float denom = (float) Math.sqrt(v[i]) / bc2Sqrt + (float) EPS;
            next[i] = x[i] + (-stepSize) * (m[i] / denom);
        }
        return next;
    }
}
