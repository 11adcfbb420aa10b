package org.rome4j.magics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.display.Plots;
import org.rome4j.magics.display.Bundles;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The logit lens of a prompt: at each layer's output and each position, the token the model would
 * predict if the final norm and the unembedding were applied there, and its probability.
 *
 * @param prompt   the prompt
 * @param tokens   the prompt's tokens as text [T] (as decoded, no byte-level markers such as "Ġ")
 * @param topToken top token text [L][T]
 * @param topProb  its probability [L][T]
 */
public record LogitLens(String prompt, String[] tokens, String[][] topToken, double[][] topProb) implements Result {
    /** Number of layers. */
    public int layers() {
        return topToken.length;
    }

    /** The top token at the last position of a layer. */
    public String lastTop(int layer) {
        return topToken[layer][tokens.length - 1];
    }

    @Override
    public Table table() {
        IntColumn layer = IntColumn.create("layer");
        IntColumn pos = IntColumn.create("position");
        StringColumn tok = StringColumn.create("token");
        StringColumn top = StringColumn.create("top_token");
        DoubleColumn p = DoubleColumn.create("prob");
        for (int l = 0; l < topToken.length; l++) {
            for (int t = 0; t < tokens.length; t++) {
                layer.append(l);
                pos.append(t);
                tok.append(tokens[t]);
                top.append(topToken[l][t]);
                p.append(topProb[l][t]);
            }
        }
        return Table.create("logit lens", layer, pos, tok, top, p);
    }

    /**
     * Tokens down (every one labelled), layers across (whole ticks), each cell coloured by the top token's
     * probability, light at 0 to dark at 1, and labelled with that token: the static PNG draws the same text,
     * so a reader without a kernel sees what each layer predicts.
     */
    @Override
    public org.rome4j.display.Figure figure() {
        ObjectNode fig = Bundles.newFigure();
        ObjectNode h = ((ArrayNode) fig.get("data")).addObject();
        h.put("type", "heatmap");
        h.set("colorscale", Plots.colorScale("Blues"));
        h.put("zmin", 0.0);
        h.put("zmax", 1.0);
        ArrayNode x = h.putArray("x");
        for (int l = 0; l < topToken.length; l++) x.add(String.valueOf(l));
        ArrayNode y = h.putArray("y");
        for (int t = 0; t < tokens.length; t++) y.add(t + ":" + label(tokens[t]));   // unique labels per position
        ArrayNode z = h.putArray("z");
        ArrayNode text = h.putArray("text");
        for (int t = 0; t < tokens.length; t++) {
            ArrayNode zr = z.addArray();
            ArrayNode tr = text.addArray();
            for (int l = 0; l < topToken.length; l++) {
                zr.add(topProb[l][t]);
                tr.add(label(topToken[l][t]));
            }
        }
        h.put("texttemplate", "%{text}");
        h.putObject("textfont").put("size", 10);
        h.put("hovertemplate", "layer %{x}<br>%{y}<br>top: %{text} (%{z:.3f})<extra></extra>");
        Plots.colorbar(h, "p(top token)");
        ObjectNode layout = (ObjectNode) fig.get("layout");
        layout.putObject("title").put("text", "Logit lens: \"" + prompt + "\" (" + topToken.length + " layers)");
        Plots.fitWidth(layout, Plots.HEATMAP_CHROME_PX + Plots.ROW_PX * tokens.length);
        ObjectNode xa = layout.putObject("xaxis");
        xa.putObject("title").put("text", "layer output (of " + topToken.length + "), read through the final norm and unembedding");
        Plots.categoryTicks(xa);
        ObjectNode ya = layout.putObject("yaxis");
        Plots.categoryTicks(ya);
        ya.put("autorange", "reversed");
        ya.put("automargin", true);   // long tokens widen the margin instead of being cut
        return org.rome4j.display.Figure.of(fig);
    }

    /** A token as a label: line breaks and tabs shown as escapes, a blank token as its quoted text. */
    static String label(String token) {
        String s = token.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
        return s.isBlank() ? "\"" + s + "\"" : s;
    }

    @Override
    public String summary() {
        return "logit lens of \"" + prompt + "\": " + tokens.length + " tokens x " + topToken.length
                + " layers; last layer predicts \"" + lastTop(topToken.length - 1) + "\"";
    }

    @Override
    public String toString() {
        return summary();
    }
}
