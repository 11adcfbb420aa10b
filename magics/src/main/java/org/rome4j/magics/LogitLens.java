package org.rome4j.magics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * @param tokens   the prompt's tokens [T]
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

    @Override
    public org.rome4j.display.Figure figure() {
        ObjectNode fig = Bundles.newFigure();
        ObjectNode h = ((ArrayNode) fig.get("data")).addObject();
        h.put("type", "heatmap");
        h.put("colorscale", "Blues");
        h.put("zmin", 0.0);
        h.put("zmax", 1.0);
        ArrayNode x = h.putArray("x");
        for (int l = 0; l < topToken.length; l++) x.add(String.valueOf(l));
        ArrayNode y = h.putArray("y");
        for (int t = 0; t < tokens.length; t++) y.add(t + ":" + tokens[t]);   // unique labels per position
        ArrayNode z = h.putArray("z");
        ArrayNode text = h.putArray("text");
        for (int t = 0; t < tokens.length; t++) {
            ArrayNode zr = z.addArray();
            ArrayNode tr = text.addArray();
            for (int l = 0; l < topToken.length; l++) {
                zr.add(topProb[l][t]);
                tr.add(topToken[l][t]);
            }
        }
        h.put("texttemplate", "%{text}");
        h.put("hovertemplate", "layer %{x}<br>%{y}<br>top: %{text} (%{z:.3f})<extra></extra>");
        h.putObject("colorbar").putObject("title").put("text", "p(top)");
        ObjectNode layout = (ObjectNode) fig.get("layout");
        layout.putObject("title").put("text", "Logit lens: \"" + prompt + "\"");
        layout.putObject("xaxis").putObject("title").put("text", "layer");
        ObjectNode ya = layout.putObject("yaxis");
        ya.put("autorange", "reversed");
        ya.put("type", "category");
        ya.put("automargin", true);   // long tokens widen the margin instead of being cut
        layout.put("height", Math.max(260, 60 + 26 * tokens.length));
        return org.rome4j.display.Figure.of(fig);
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
