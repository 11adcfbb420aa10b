package org.rome4j.magics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.display.Plots;
import java.util.ArrayList;
import com.fasterxml.jackson.databind.JsonNode;
import org.rome4j.display.Figure;
import org.rome4j.eval.CounterFactEval;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
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

    /**
     * One row per case: the request, P(new) and P(true) on the rewrite prompt before and after the
     * edit (the first token's probability is not what CounterFact scores: these are exp(−mean NLL) of the
     * whole target), and the case's ES, PS and NS after the edit (the share of its prompts that
     * prefer the new object, or for NS the true one).
     */
    public Table casesTable() {
        IntColumn id = IntColumn.create("case");
        StringColumn subject = StringColumn.create("subject");
        StringColumn prompt = StringColumn.create("prompt");
        StringColumn trueObj = StringColumn.create("true");
        StringColumn newObj = StringColumn.create("new");
        DoubleColumn preNew = DoubleColumn.create("p_new_pre");
        DoubleColumn postNew = DoubleColumn.create("p_new_post");
        DoubleColumn preTrue = DoubleColumn.create("p_true_pre");
        DoubleColumn postTrue = DoubleColumn.create("p_true_post");
        DoubleColumn es = DoubleColumn.create("ES_post");
        DoubleColumn ps = DoubleColumn.create("PS_post");
        DoubleColumn ns = DoubleColumn.create("NS_post");
        for (ObjectNode c : result.cases()) {
            JsonNode rw = c.path("requested_rewrite");
            id.append(c.path("case_id").asInt());
            subject.append(rw.path("subject").asText());
            prompt.append(rw.path("prompt").asText().replace("{}", rw.path("subject").asText()));
            trueObj.append(rw.path("target_true").path("str").asText());
            newObj.append(rw.path("target_new").path("str").asText());
            JsonNode pre = c.path("pre").path("rewrite_prompts_probs").path(0);
            JsonNode post = c.path("post").path("rewrite_prompts_probs").path(0);
            preNew.append(Math.exp(-pre.path("target_new").asDouble(Double.NaN)));
            postNew.append(Math.exp(-post.path("target_new").asDouble(Double.NaN)));
            preTrue.append(Math.exp(-pre.path("target_true").asDouble(Double.NaN)));
            postTrue.append(Math.exp(-post.path("target_true").asDouble(Double.NaN)));
            es.append(percent(c.path("post").get("rewrite_prompts_probs"), true));
            ps.append(percent(c.path("post").get("paraphrase_prompts_probs"), true));
            ns.append(percent(c.path("post").get("neighborhood_prompts_probs"), false));
        }
        return Table.create("counterfact cases").addColumns(id, subject, prompt, trueObj, newObj, preNew, postNew, preTrue, postTrue,
                es, ps, ns);
    }

    /** A case's success score in percent, as the summary counts it. */
    private static double percent(JsonNode probs, boolean newWins) {
        return 100 * CounterFactEval.caseScore(probs, newWins, false);
    }

    /** Number of evaluated cases. */
    public int cases() {
        return result.cases().size();
    }

    /** ES, PS, NS and S as grouped bars, pre vs post. */
    @Override
    public Figure figure() {
        List<double[]> y = new ArrayList<>();
        for (String phase : List.of("pre", "post")) {
            double[] v = new double[SCORES.size()];
            for (int k = 0; k < v.length; k++) {
                double s = metrics(phase).getOrDefault(SCORES.get(k), Double.NaN);
                v[k] = Double.isNaN(s) ? 0.0 : s;
            }
            y.add(v);
        }
        return Plots.bars("CounterFact scores over " + cases() + " cases (" + dataset + ")", "", "percent", SCORES,
                List.of("pre", "post"), y, List.of("#9e9ac8", "#54278f"));
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
