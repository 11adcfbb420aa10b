package org.rome4j.magics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.display.Figure;
import org.rome4j.eval.CounterFactEval;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code %counterfact_eval} returns: the CounterFact summary before and after each edit.
 *
 * @param result the core evaluation result
 * @param dataset where the records came from
 */
public record CounterFactResult(CounterFactEval.Result result, String dataset) implements Result {
    /** The scores shown in {@link #figure()}: efficacy, paraphrase, neighborhood, overall. */
    static final List<String> SCORES = List.of("ES", "PS", "NS", "S");

    /** One row per phase (pre, post): cases, ES, EM, PS, PM, NS, NM, S, GE, RS. */
    @Override
    public Table table() {
        return result.table();
    }

    /** The summary of one phase ("pre" or "post"): metric → value. */
    public Map<String, Double> metrics(String phase) {
        return switch (phase) {
            case "pre" -> result.pre();
            case "post" -> result.post();
            default -> throw new IllegalArgumentException("phase is pre or post, got " + phase);
        };
    }

    /** Number of evaluated cases. */
    public int cases() {
        return result.cases().size();
    }

    /** ES, PS, NS and S as grouped bars, pre vs post. */
    @Override
    public Figure figure() {
        ObjectNode fig = new ObjectMapper().createObjectNode();
        ArrayNode data = fig.putArray("data");
        String[] phases = {"pre", "post"};
        String[] colors = {"#9e9ac8", "#54278f"};
        for (int i = 0; i < 2; i++) {
            ObjectNode bar = data.addObject();
            bar.put("type", "bar");
            bar.put("name", phases[i]);
            bar.putObject("marker").put("color", colors[i]);
            ArrayNode x = bar.putArray("x");
            ArrayNode y = bar.putArray("y");
            for (String k : SCORES) {
                x.add(k);
                double v = metrics(phases[i]).getOrDefault(k, Double.NaN);
                y.add(Double.isNaN(v) ? 0.0 : v);
            }
        }
        ObjectNode layout = fig.putObject("layout");
        layout.putObject("title").put("text", "CounterFact scores over " + cases() + " cases (" + dataset + ")");
        layout.put("barmode", "group");
        layout.putObject("yaxis").putObject("title").put("text", "percent");
        return Figure.of(fig);
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "%d CounterFact cases from %s: S %.1f → %.1f (ES %.1f → %.1f, PS %.1f → %.1f, NS %.1f → %.1f)",
                cases(), dataset, v("pre", "S"), v("post", "S"), v("pre", "ES"), v("post", "ES"), v("pre", "PS"), v("post", "PS"),
                v("pre", "NS"), v("post", "NS"));
    }

    private double v(String phase, String k) {
        return metrics(phase).getOrDefault(k, Double.NaN);
    }

    @Override
    public String toString() {
        return summary();
    }
}
