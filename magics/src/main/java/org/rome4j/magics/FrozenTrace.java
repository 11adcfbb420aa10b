package org.rome4j.magics;

import org.rome4j.display.Figure;
import org.rome4j.trace.FrozenResult;
import tech.tablesaw.api.Table;

import java.util.Locale;

/**
 * What {@code %frozen_trace} returns (paper Fig. 3): restoring the last subject token's hidden state
 * at each layer, ordinarily and with the attention or MLP paths severed.
 *
 * @param result the core result
 */
public record FrozenTrace(FrozenResult result) implements Result {
    @Override
    public Table table() {
        return result.table();
    }

    @Override
    public Figure figure() {
        return result.figure();
    }

    @Override
    public String summary() {
        double[] p = result.plain();
        double[] a = result.attnSevered();
        double[] m = result.mlpSevered();
        double sp = 0;
        double sa = 0;
        double sm = 0;
        for (int i = 0; i < p.length; i++) {
            sp += p[i] - result.lowScore();
            sa += a[i] - result.lowScore();
            sm += m[i] - result.lowScore();
        }
        int n = Math.max(1, p.length);
        return String.format(Locale.ROOT, "mean indirect effect at token %d: ordinary %.4f, attention severed %.4f, MLP severed %.4f",
                result.token(), sp / n, sa / n, sm / n);
    }

    @Override
    public String toString() {
        return summary();
    }
}
