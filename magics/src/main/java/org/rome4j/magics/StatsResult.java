package org.rome4j.magics;

import org.rome4j.display.Figure;
import org.rome4j.rome.KeyStats;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

import java.util.Locale;

/**
 * What {@code %stats} returns: the key second-moment statistics C = E[k kᵀ] of one layer's MLP input
 * keys, with a cheap summary (trace, diagonal range, largest eigenvalue by power iteration).
 *
 * @param layer the layer
 * @param stats the statistics (also stored in the session for {@code %rome_edit})
 * @param source where the keys came from
 */
public record StatsResult(int layer, KeyStats stats, String source) implements Result {
    /** One row: layer, count, width, trace, mean/min/max diagonal, largest eigenvalue, its share of the trace. */
    @Override
    public Table table() {
        double[] m = stats.moment();
        int w = stats.width();
        double trace = 0;
        double dmin = Double.POSITIVE_INFINITY;
        double dmax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < w; i++) {
            double d = m[i * w + i];
            trace += d;
            dmin = Math.min(dmin, d);
            dmax = Math.max(dmax, d);
        }
        double top = topEigenvalue(m, w, 50);
        return Table.create("key statistics, layer " + layer,
                IntColumn.create("layer", new int[] {layer}),
                LongColumn.create("count", new long[] {stats.count()}),
                IntColumn.create("width", new int[] {w}),
                DoubleColumn.create("trace", new double[] {trace}),
                DoubleColumn.create("diag_mean", new double[] {trace / w}),
                DoubleColumn.create("diag_min", new double[] {dmin}),
                DoubleColumn.create("diag_max", new double[] {dmax}),
                DoubleColumn.create("top_eigenvalue", new double[] {top}),
                DoubleColumn.create("top_share", new double[] {trace == 0 ? Double.NaN : top / trace}));
    }

    /** The largest eigenvalue of the symmetric PSD matrix {@code m} [w×w] by power iteration. */
    static double topEigenvalue(double[] m, int w, int iterations) {
        double[] v = new double[w];
        java.util.Arrays.fill(v, 1 / Math.sqrt(w));
        double lambda = 0;
        double[] u = new double[w];
        for (int it = 0; it < iterations; it++) {
            Session.checkInterrupted();
            for (int i = 0; i < w; i++) {
                double s = 0;
                int row = i * w;
                for (int j = 0; j < w; j++) s += m[row + j] * v[j];
                u[i] = s;
            }
            double norm = 0;
            for (double x : u) norm += x * x;
            norm = Math.sqrt(norm);
            if (norm == 0) return 0;
            lambda = norm;
            for (int i = 0; i < w; i++) v[i] = u[i] / norm;
        }
        return lambda;
    }

    @Override
    public Figure figure() {
        return null;
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "key statistics of layer %d over %d tokens (%s), width %d; %%rome_edit at this layer uses them",
                layer, stats.count(), source, stats.width());
    }

    @Override
    public String toString() {
        return summary();
    }
}
