package org.rome4j.magics;

import org.rome4j.display.Figure;
import org.rome4j.trace.DatasetResult;
import org.rome4j.trace.Kind;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Locale;

/**
 * What {@code %trace_dataset} returns (paper Fig. 2): average causal traces over many facts.
 *
 * @param result the core aggregate
 */
public record DatasetTraceResult(DatasetResult result) implements Result {
    /** The per-kind summary (peaks, total effect). */
    @Override
    public Table table() {
        return result.summary();
    }

    /** Every averaged cell (kind, token role, layer). */
    public Table cells() {
        return result.table();
    }

    /** The averaged heatmaps of the three kinds, stacked. */
    @Override
    public Figure figure() {
        List<Kind> kinds = List.of(Kind.RESID, Kind.MLP, Kind.ATTN);
        return Subplots.stacked("Average causal traces over " + result.traced() + " facts (" + result.model() + ", window " + result.window() + ")",
                kinds.stream().map(result::heatmap).toList(), kinds.stream().map(Kind::label).toList());
    }

    /** Paper Fig. 2's line plots of average indirect effect for one kind. */
    public Figure lines(Kind k) {
        return result.lines(k);
    }

    @Override
    public String summary() {
        if (result.traced() == 0) {
            return "0 of " + result.facts() + " facts traced: the model predicts none of their answers, so there is nothing to "
                    + "average; try more facts (--limit) or the model's own facts";
        }
        return String.format(Locale.ROOT, "%d of %d facts traced; mean p(o) %.4f clean, %.4f corrupted; peaks: resid %s, mlp %s, attn %s",
                result.traced(), result.facts(), result.meanHigh(), result.meanLow(), peak(Kind.RESID), peak(Kind.MLP),
                peak(Kind.ATTN));
    }

    private String peak(Kind k) {
        DatasetResult.Cell c = result.peak(k);
        return c == null ? "-" : String.format(Locale.ROOT, "%s layer %d (%.4f)", c.role(), c.layer(), c.meanEffect());
    }

    @Override
    public String toString() {
        return summary();
    }
}
