package org.rome4j.magics;

import org.rome4j.display.Figure;
import org.rome4j.trace.Kind;
import org.rome4j.trace.TraceResult;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Locale;

/**
 * What {@code %trace} returns: one causal trace per kind (paper Fig. 1 with {@code --kind all}: hidden
 * states, MLP and attention, stacked).
 *
 * @param results one {@link TraceResult} per traced kind, in resid, mlp, attn order
 */
public record Trace(List<TraceResult> results) implements Result {
    /** Copies the list. */
    public Trace {
        if (results.isEmpty()) throw new IllegalArgumentException("a trace needs at least one result");
        results = List.copyOf(results);
    }

    /** The trace of one kind. */
    public TraceResult result(Kind k) {
        return results.stream().filter(r -> r.kind() == k).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + k + " trace here; traced " + results.stream()
                        .map(r -> r.kind().id()).toList()));
    }

    /** The first trace (the only one unless {@code --kind all}). */
    public TraceResult first() {
        return results.get(0);
    }

    @Override
    public Table table() {
        Table t = results.get(0).table();
        for (int i = 1; i < results.size(); i++) t.append(results.get(i).table());
        return t;
    }

    /** The traces' heatmaps as subplots of one figure, each keeping its colour scale, title and range. */
    @Override
    public Figure figure() {
        if (results.size() == 1) return results.get(0).figure();
        return Subplots.stacked("Causal trace: " + results.get(0).prompt() + " → " + results.get(0).answer().strip()
                        + " (" + results.get(0).model() + ", window " + results.get(0).window() + ")",
                results.stream().map(TraceResult::figure).toList(),
                results.stream().map(r -> r.kind().label()).toList());
    }

    @Override
    public String summary() {
        TraceResult r = results.get(0);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "\"%s\" → \"%s\": p=%.4f clean, %.4f corrupted (%s)",
                r.prompt(), r.answer().strip(), r.highScore(), r.lowScore(), r.noise()));
        for (TraceResult t : results) {
            double best = Double.NEGATIVE_INFINITY;
            int bl = -1;
            int bi = -1;
            double[][] s = t.scores();
            for (int i = 0; i < s.length; i++) {
                for (int l = 0; l < s[i].length; l++) {
                    if (s[i][l] > best) {
                        best = s[i][l];
                        bi = i;
                        bl = l;
                    }
                }
            }
            sb.append(String.format(Locale.ROOT, "; %s peak %.4f at %s, layer %d", t.kind().id(), best,
                    t.labels().get(bi), bl));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
