package org.rome4j.trace;

import org.rome4j.display.Figure;
import org.rome4j.display.Plots;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * Paper Fig. 3 for one prompt: P(answer) after restoring the state after block l at the last subject
 * token, (a) alone, (b) with the attention outputs at that token pinned to their corrupted values in
 * every layer ("Attn severed"), (c) with the MLP outputs pinned ("MLP severed"). Immutable.
 */
public final class FrozenResult {
    private final TraceResult base;
    private final double[] plain;
    private final double[] attnSevered;
    private final double[] mlpSevered;

    FrozenResult(TraceResult base, double[] plain, double[] attnSevered, double[] mlpSevered) {
        this.base = base;
        this.plain = plain.clone();
        this.attnSevered = attnSevered.clone();
        this.mlpSevered = mlpSevered.clone();
    }

    /** The ordinary state restoration at the last subject token, as a one-row trace (tokens, answer, low and high). */
    public TraceResult trace() { return base; }
    /** Token position restored (the subject's last token). */
    public int token() { return base.positions()[0]; }
    /** Scores per layer, nothing severed. */
    public double[] plain() { return plain.clone(); }
    /** Scores per layer with attention at the token pinned to corrupted values. */
    public double[] attnSevered() { return attnSevered.clone(); }
    /** Scores per layer with the MLP at the token pinned to corrupted values. */
    public double[] mlpSevered() { return mlpSevered.clone(); }
    /** The corrupted run's P(answer). */
    public double lowScore() { return base.lowScore(); }
    /** The clean run's P(answer). */
    public double highScore() { return base.highScore(); }

    /** Rows per (layer, variant): {@code layer, variant (none|attn_severed|mlp_severed), score, indirect_effect}. */
    public Table table() {
        IntColumn layer = IntColumn.create("layer");
        StringColumn variant = StringColumn.create("variant");
        DoubleColumn score = DoubleColumn.create("score");
        DoubleColumn ie = DoubleColumn.create("indirect_effect");
        String[] names = {"none", "attn_severed", "mlp_severed"};
        double[][] v = {plain, attnSevered, mlpSevered};
        for (int l = 0; l < plain.length; l++) {
            for (int k = 0; k < 3; k++) {
                layer.append(l);
                variant.append(names[k]);
                score.append(v[k][l]);
                ie.append(v[k][l] - base.lowScore());
            }
        }
        return Table.create("frozen trace: " + base.prompt(), layer, variant, score, ie);
    }

    /** Grouped bars of the indirect effect per layer, as paper Fig. 3 (purple: none, red: Attn severed, green: MLP severed). */
    public Figure figure() {
        List<String> cats = new ArrayList<>();
        for (int l = 0; l < plain.length; l++) cats.add(Integer.toString(l));
        return Plots.bars("Impact of restoring state at the last subject token (" + base.labels().get(0) + ")",
                "layer at which the single hidden vector is restored", "indirect effect on p(" + base.answer().strip() + ")",
                cats, List.of("Effect of single hidden vector", "Effect with Attn severed", "Effect with MLP severed"),
                List.of(minus(plain), minus(attnSevered), minus(mlpSevered)),
                List.of(Plots.lineColor("Purples"), Plots.lineColor("Reds"), Plots.lineColor("Greens")));
    }

    private double[] minus(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i] - base.lowScore();
        return o;
    }

    @Override
    public String toString() {
        return "FrozenResult[\"" + base.prompt() + "\" token " + token() + ", " + plain.length + " layers]";
    }
}
