package org.rome4j.trace;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.rome4j.display.Figure;
import org.rome4j.display.Plots;
import org.rome4j.eval.FactRecall;
import org.rome4j.io.Outputs;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Causal traces averaged over the facts a model knows (paper Fig. 2, App. B): for each kind, token
 * role and layer, the mean score and the mean indirect effect (score − that fact's low score) with a
 * 95% confidence interval (mean ± 1.96 standard errors over the (fact, token) instances); the average
 * total effect mean(high) − mean(low); where each kind peaks. Immutable.
 */
public final class DatasetResult {
    /** One (kind, role, layer) average. */
    public record Cell(Kind kind, TokenRole role, int layer, int n, double meanScore, double meanEffect, double ciHalfWidth) { }

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final String model;
    private final int facts;
    private final List<FactRecall.Check> wrong;
    private final Map<Kind, List<TraceResult>> results;
    private final int window;
    private final int samples;
    private final String noise;
    private final double noiseScale;
    private final Map<Kind, Cell[][]> cells = new EnumMap<>(Kind.class);   // [role][layer]
    private final int layers;

    /**
     * The averages of traces made elsewhere (per fact with {@link DatasetTrace#traceFact}, e.g. by a
     * Spark job): {@code results} holds every traced fact's result per kind, in file order.
     *
     * @param facts      facts in the file (after any limit)
     * @param wrong      the facts the model gets wrong, not traced
     * @param noise      the noise as {@link Noise#describe()} prints it
     * @param noiseScale the absolute noise scale
     */
    public static DatasetResult of(String model, int facts, List<FactRecall.Check> wrong, Map<Kind, List<TraceResult>> results,
                                   int window, int samples, String noise, double noiseScale) {
        return new DatasetResult(model, facts, wrong, results, window, samples, noise, noiseScale);
    }

    DatasetResult(String model, int facts, List<FactRecall.Check> wrong, Map<Kind, List<TraceResult>> results, int window,
                  int samples, String noise, double noiseScale) {
        this.model = model;
        this.facts = facts;
        this.wrong = List.copyOf(wrong);
        Map<Kind, List<TraceResult>> copy = new EnumMap<>(Kind.class);
        results.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.results = copy;
        this.window = window;
        this.samples = samples;
        this.noise = noise;
        this.noiseScale = noiseScale;
        List<TraceResult> any = copy.values().iterator().next();
        this.layers = any.isEmpty() ? 0 : any.get(0).layers();
        for (Kind k : copy.keySet()) cells.put(k, aggregate(k, copy.get(k)));
    }

    private Cell[][] aggregate(Kind k, List<TraceResult> rs) {
        TokenRole[] roles = TokenRole.values();
        Cell[][] out = new Cell[roles.length][layers];
        for (TokenRole role : roles) {
            for (int l = 0; l < layers; l++) {
                int n = 0;
                double s = 0;
                double e = 0;
                double e2 = 0;
                for (TraceResult r : rs) {
                    int[] sr = r.subjectRange();
                    for (int p : role.positions(sr[0], sr[1], r.tokens().size())) {
                        double score = r.score(p, l);   // dataset traces restore every token, so row = position
                        double ie = score - r.lowScore();
                        n++;
                        s += score;
                        e += ie;
                        e2 += ie * ie;
                    }
                }
                double mean = n == 0 ? Double.NaN : e / n;
                double var = n > 1 ? (e2 - n * mean * mean) / (n - 1) : Double.NaN;
                double ci = n > 1 ? 1.96 * Math.sqrt(Math.max(0, var) / n) : Double.NaN;
                out[role.ordinal()][l] = new Cell(k, role, l, n, n == 0 ? Double.NaN : s / n, mean, ci);
            }
        }
        return out;
    }

    /** The model's name. */
    public String model() { return model; }
    /** Facts in the file (after any limit). */
    public int facts() { return facts; }
    /** Facts traced (known to the model). */
    public int traced() { return results.get(Kind.RESID).size(); }
    /** The facts the model gets wrong (not traced). */
    public List<FactRecall.Check> wrong() { return wrong; }
    /** Every fact's trace of a kind. */
    public List<TraceResult> results(Kind k) { return results.get(k); }
    /** Number of layers. */
    public int layers() { return layers; }
    /** The MLP/attention window. */
    public int window() { return window; }
    /** The noise used. */
    public String noise() { return noise; }
    /** The absolute noise scale. */
    public double noiseScale() { return noiseScale; }

    /** The average at (kind, role, layer). */
    public Cell cell(Kind k, TokenRole role, int layer) {
        return cells.get(k)[role.ordinal()][layer];
    }

    /** Mean clean P(answer) over traced facts. */
    public double meanHigh() {
        return results.get(Kind.RESID).stream().mapToDouble(TraceResult::highScore).average().orElse(Double.NaN);
    }

    /** Mean corrupted P(answer) over traced facts. */
    public double meanLow() {
        return results.get(Kind.RESID).stream().mapToDouble(TraceResult::lowScore).average().orElse(Double.NaN);
    }

    /** Average total effect: mean(high) − mean(low). */
    public double totalEffect() {
        return meanHigh() - meanLow();
    }

    /** The (role, layer) with the largest mean indirect effect of a kind. */
    public Cell peak(Kind k) {
        Cell best = null;
        for (Cell[] row : cells.get(k)) {
            for (Cell c : row) {
                if (c.n() > 0 && (best == null || c.meanEffect() > best.meanEffect())) best = c;
            }
        }
        return best;
    }

    /** The layer with the largest mean indirect effect of a kind at one token role. */
    public Cell peak(Kind k, TokenRole role) {
        Cell best = null;
        for (Cell c : cells.get(k)[role.ordinal()]) {
            if (c.n() > 0 && (best == null || c.meanEffect() > best.meanEffect())) best = c;
        }
        return best;
    }

    /** Every average: {@code kind, role, layer, n, mean_score, mean_indirect_effect, ci95_low, ci95_high}. */
    public Table table() {
        StringColumn kind = StringColumn.create("kind");
        StringColumn role = StringColumn.create("role");
        IntColumn layer = IntColumn.create("layer");
        IntColumn n = IntColumn.create("n");
        DoubleColumn score = DoubleColumn.create("mean_score");
        DoubleColumn ie = DoubleColumn.create("mean_indirect_effect");
        DoubleColumn lo = DoubleColumn.create("ci95_low");
        DoubleColumn hi = DoubleColumn.create("ci95_high");
        for (Kind k : cells.keySet()) {
            for (Cell[] row : cells.get(k)) {
                for (Cell c : row) {
                    kind.append(k.id());
                    role.append(c.role().id());
                    layer.append(c.layer());
                    n.append(c.n());
                    score.append(c.meanScore());
                    ie.append(c.meanEffect());
                    lo.append(c.meanEffect() - c.ciHalfWidth());
                    hi.append(c.meanEffect() + c.ciHalfWidth());
                }
            }
        }
        return Table.create("average causal traces", kind, role, layer, n, score, ie, lo, hi);
    }

    /**
     * One row per kind: {@code kind, facts, traced, mean_high, mean_low, total_effect, peak_role, peak_layer,
     * peak_indirect_effect, last_subject_peak_layer, last_subject_peak_effect, last_token_peak_layer,
     * last_token_peak_effect}.
     */
    public Table summary() {
        StringColumn kind = StringColumn.create("kind");
        IntColumn nf = IntColumn.create("facts");
        IntColumn nt = IntColumn.create("traced");
        DoubleColumn hi = DoubleColumn.create("mean_high");
        DoubleColumn lo = DoubleColumn.create("mean_low");
        DoubleColumn te = DoubleColumn.create("total_effect");
        StringColumn pr = StringColumn.create("peak_role");
        IntColumn pl = IntColumn.create("peak_layer");
        DoubleColumn pe = DoubleColumn.create("peak_indirect_effect");
        IntColumn sl = IntColumn.create("last_subject_peak_layer");
        DoubleColumn se = DoubleColumn.create("last_subject_peak_effect");
        IntColumn ll = IntColumn.create("last_token_peak_layer");
        DoubleColumn le = DoubleColumn.create("last_token_peak_effect");
        for (Kind k : cells.keySet()) {
            kind.append(k.id());
            nf.append(facts);
            nt.append(traced());
            hi.append(meanHigh());
            lo.append(meanLow());
            te.append(totalEffect());
            Cell p = peak(k);
            Cell ps = peak(k, TokenRole.LAST_SUBJECT);
            Cell pt = peak(k, TokenRole.LAST);
            pr.append(p == null ? "" : p.role().id());
            pl.append(p == null ? -1 : p.layer());
            pe.append(p == null ? Double.NaN : p.meanEffect());
            sl.append(ps == null ? -1 : ps.layer());
            se.append(ps == null ? Double.NaN : ps.meanEffect());
            ll.append(pt == null ? -1 : pt.layer());
            le.append(pt == null ? Double.NaN : pt.meanEffect());
        }
        return Table.create("causal trace summary", kind, nf, nt, hi, lo, te, pr, pl, pe, sl, se, ll, le);
    }

    /** The facts the model gets wrong: {@code known_id, prompt, expected, predicted, probability}. */
    public Table wrongTable() {
        IntColumn id = IntColumn.create("known_id");
        StringColumn prompt = StringColumn.create("prompt");
        StringColumn exp = StringColumn.create("expected");
        StringColumn pred = StringColumn.create("predicted");
        DoubleColumn p = DoubleColumn.create("probability");
        for (FactRecall.Check c : wrong) {
            id.append(c.fact().id());
            prompt.append(c.fact().prompt());
            exp.append(c.fact().attribute());
            pred.append(c.predicted());
            p.append(c.probability());
        }
        return Table.create("facts the model gets wrong", id, prompt, exp, pred, p);
    }

    /** Average indirect effect per layer, one line per token role, with 95% confidence bands. */
    public Figure lines(Kind k) {
        List<Plots.Series> series = new ArrayList<>();
        String[] colors = {"#1f77b4", "#9467bd", "#d62728", "#2ca02c", "#8c564b", "#ff7f0e"};
        for (TokenRole role : TokenRole.values()) {
            Cell[] row = cells.get(k)[role.ordinal()];
            if (row.length == 0 || row[0].n() == 0) continue;
            double[] x = new double[layers];
            double[] y = new double[layers];
            double[] lo = new double[layers];
            double[] hi = new double[layers];
            for (int l = 0; l < layers; l++) {
                x[l] = l;
                y[l] = row[l].meanEffect();
                double ci = Double.isNaN(row[l].ciHalfWidth()) ? 0 : row[l].ciHalfWidth();
                lo[l] = y[l] - ci;
                hi[l] = y[l] + ci;
            }
            series.add(new Plots.Series(role.label(), x, y, lo, hi, colors[role.ordinal()]));
        }
        return Plots.lines("Average indirect effect of " + (k == Kind.RESID ? "restoring hidden states" : "restoring " + k.label())
                        + " over " + traced() + " facts", xTitle(k), "average indirect effect on p(o)", series);
    }

    /** The averaged heatmap: token roles down, layers across, mean score, colour minimum = mean low score. */
    public Figure heatmap(Kind k) {
        List<String> x = new ArrayList<>();
        for (int l = 0; l < layers; l++) x.add(Integer.toString(l));
        List<String> y = new ArrayList<>();
        double[][] z = new double[TokenRole.values().length][layers];
        for (TokenRole role : TokenRole.values()) {
            y.add(role.label());
            for (int l = 0; l < layers; l++) z[role.ordinal()][l] = cells.get(k)[role.ordinal()][l].meanScore();
        }
        String title = "Average impact of restoring " + (k == Kind.RESID ? "state" : k.label()) + " after corrupted input ("
                + traced() + " facts)";
        return Plots.heatmap(title, xTitle(k), "", x, y, z, k.colorScale(), meanLow(), "average p(o)");
    }

    private String xTitle(Kind k) {
        return k.axisTitle(window, layers);
    }

    /** The aggregate as JSON-ready maps: summary per kind, averages, wrong facts. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("facts", facts);
        m.put("traced", traced());
        m.put("wrong", wrong.size());
        m.put("noise", noise);
        m.put("noise_scale", noiseScale);
        m.put("samples", samples);
        m.put("window", window);
        m.put("mean_high", finite(meanHigh()));
        m.put("mean_low", finite(meanLow()));
        m.put("total_effect", finite(totalEffect()));
        Map<String, Object> kinds = new LinkedHashMap<>();
        for (Kind k : cells.keySet()) {
            Map<String, Object> km = new LinkedHashMap<>();
            Cell p = peak(k);
            if (p != null) {
                km.put("peak", ordered("role", p.role().id(), "layer", p.layer(), "indirect_effect", p.meanEffect()));
            }
            Map<String, Object> roles = new LinkedHashMap<>();
            for (TokenRole role : TokenRole.values()) {
                Cell[] row = cells.get(k)[role.ordinal()];
                List<Double> ie = new ArrayList<>();
                List<Double> ci = new ArrayList<>();
                List<Double> sc = new ArrayList<>();
                for (int l = 0; l < layers; l++) {
                    ie.add(finite(row[l].meanEffect()));
                    ci.add(finite(row[l].ciHalfWidth()));
                    sc.add(finite(row[l].meanScore()));
                }
                roles.put(role.id(), ordered("n", layers == 0 ? 0 : row[0].n(), "mean_indirect_effect", ie,
                        "ci95_half_width", ci, "mean_score", sc));
            }
            km.put("roles", roles);
            kinds.put(k.id(), km);
        }
        m.put("kinds", kinds);
        List<Map<String, Object>> w = new ArrayList<>();
        for (FactRecall.Check c : wrong) {
            w.add(ordered("known_id", c.fact().id(), "prompt", c.fact().prompt(), "expected", c.fact().attribute(),
                    "predicted", c.predicted()));
        }
        m.put("wrong_facts", w);
        return m;
    }

    /** A map in the order its keys are given (Map.of's order changes from JVM to JVM, and so would aggregate.json's). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    /**
     * Writes what {@code trace-dataset} writes: {@code aggregate.json}, {@code averages.csv},
     * {@code summary.csv}, {@code wrong.csv} and {@code figures/{lines,heatmap}_KIND.json}.
     */
    public void writeTo(Path dir) throws IOException {
        // each file whole or absent (a full disk leaves no empty averages.csv under its name)
        Files.createDirectories(dir.resolve("figures"));
        String aggregate = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toMap());
        Outputs.file(dir.resolve("aggregate.json"), true, "--overwrite", tmp -> Files.writeString(tmp, aggregate));
        Table avg = table();
        Outputs.file(dir.resolve("averages.csv"), true, "--overwrite", tmp -> avg.write().csv(tmp.toFile()));
        Table sum = summary();
        Outputs.file(dir.resolve("summary.csv"), true, "--overwrite", tmp -> sum.write().csv(tmp.toFile()));
        Table wr = wrongTable();
        Outputs.file(dir.resolve("wrong.csv"), true, "--overwrite", tmp -> wr.write().csv(tmp.toFile()));
        for (Kind k : Kind.values()) {
            String l = lines(k).toJson();
            String h = heatmap(k).toJson();
            Outputs.file(dir.resolve("figures/lines_" + k.id() + ".json"), true, "--overwrite", tmp -> Files.writeString(tmp, l));
            Outputs.file(dir.resolve("figures/heatmap_" + k.id() + ".json"), true, "--overwrite", tmp -> Files.writeString(tmp, h));
        }
    }

    /** The text report of {@code trace-dataset}: counts, mean scores, and where each kind peaks. */
    public String report(double seconds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%s: %d facts, %d known and traced, %d wrong (%.1f s); noise %s = %.4f%n", model, facts,
                traced(), wrong.size(), seconds, noise, noiseScale));
        out.append(String.format("mean high %.4f, mean low %.4f, average total effect %.4f%n", meanHigh(), meanLow(), totalEffect()));
        for (Kind k : Kind.values()) {
            Cell p = peak(k);
            if (p == null) continue;
            Cell s = peak(k, TokenRole.LAST_SUBJECT);
            Cell t = peak(k, TokenRole.LAST);
            out.append(String.format("%-5s peak %.4f at %s layer %d; last subject token peak %.4f at layer %d; last token peak %.4f at layer %d%n",
                    k, p.meanEffect(), p.role().id(), p.layer(), s.meanEffect(), s.layer(), t.meanEffect(), t.layer()));
        }
        return out.toString();
    }

    /** NaN (no instances) as null, for JSON. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    @Override
    public String toString() {
        return "DatasetResult[" + model + ": " + traced() + " of " + facts + " facts traced, total effect "
                + String.format("%.4f", totalEffect()) + "]";
    }
}
