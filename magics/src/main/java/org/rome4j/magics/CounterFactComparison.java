package org.rome4j.magics;

import org.rome4j.display.Figure;
import org.rome4j.display.Plots;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CounterFact scores of several evaluations side by side, after the edit: one group of bars (ES, PS, NS) per
 * evaluation, e.g. one per edited layer as in the paper's comparison of edit layers.
 *
 * <pre>{@code
 * var l0 = %counterfact_eval --layer 0 --limit 8
 * var l4 = %counterfact_eval --layer 4 --limit 8
 * CounterFactComparison.of("edited layer", List.of("0", "4"), List.of(l0, l4))
 * }</pre>
 */
public record CounterFactComparison(String axis, List<String> labels, List<CounterFactResult> results) implements Result {
    private static final List<String> SCORES = List.of("ES", "PS", "NS");
    private static final List<String> COLORS = List.of("#54278f", "#807dba", "#bcbddc");

    /** Validates and copies. */
    public CounterFactComparison {
        labels = List.copyOf(labels);
        results = List.copyOf(results);
        if (labels.isEmpty() || labels.size() != results.size()) {
            throw new IllegalArgumentException("give one label per evaluation: " + labels.size() + " labels, " + results.size()
                    + " evaluations");
        }
    }

    /** The comparison of {@code results}, labelled along an axis named {@code axis}. */
    public static CounterFactComparison of(String axis, List<String> labels, List<CounterFactResult> results) {
        return new CounterFactComparison(axis, labels, results);
    }

    /** One row per evaluation: its label, cases, and ES, PS, NS, S after the edit. */
    @Override
    public Table table() {
        StringColumn label = StringColumn.create(axis);
        IntColumn cases = IntColumn.create("cases");
        Table t = Table.create("CounterFact by " + axis).addColumns(label, cases);
        List<DoubleColumn> cols = new ArrayList<>();
        for (String s : List.of("ES", "PS", "NS", "S")) cols.add(DoubleColumn.create(s));
        for (int i = 0; i < labels.size(); i++) {
            label.append(labels.get(i));
            cases.append(results.get(i).cases());
            for (DoubleColumn c : cols) c.append(results.get(i).metrics("post").getOrDefault(c.name(), Double.NaN));
        }
        cols.forEach(t::addColumns);
        return t;
    }

    /** Bars: one group per evaluation, one bar per score. */
    @Override
    public Figure figure() {
        List<double[]> y = new ArrayList<>();
        for (String s : SCORES) {
            double[] v = new double[results.size()];
            for (int i = 0; i < v.length; i++) v[i] = results.get(i).metrics("post").getOrDefault(s, Double.NaN);
            y.add(v);
        }
        return Plots.bars("CounterFact scores after the edit, by " + axis + " (" + results.get(0).cases() + " cases each)", axis,
                "percent", labels, SCORES, y, COLORS);
    }

    /** Where paraphrases follow the edit most (every label that ties), and every evaluation's scores. */
    @Override
    public String summary() {
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < results.size(); i++) best = Math.max(best, ps(i));
        List<String> top = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) if (ps(i) == best) top.add(labels.get(i));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "paraphrase score highest at %s %s:", axis, String.join(" and ", top)));
        for (int i = 0; i < results.size(); i++) {
            var m = results.get(i).metrics("post");
            sb.append(String.format(Locale.ROOT, " %s: ES %.1f PS %.1f NS %.1f;", labels.get(i), m.getOrDefault("ES", Double.NaN),
                    m.getOrDefault("PS", Double.NaN), m.getOrDefault("NS", Double.NaN)));
        }
        return sb.substring(0, sb.length() - 1);
    }

    private double ps(int i) {
        return results.get(i).metrics("post").getOrDefault("PS", Double.NaN);
    }

    @Override
    public String toString() {
        return summary();
    }
}
