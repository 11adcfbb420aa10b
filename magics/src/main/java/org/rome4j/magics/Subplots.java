package org.rome4j.magics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.display.Figure;

import java.util.List;

/**
 * Puts single-heatmap figures side by side in one figure (own axes, colour bar and title each). Laid out
 * in pixels so that nothing overlaps: each panel labels its tokens and axes, the gap after a panel holds
 * its colour bar (title written along the bar) and the next panel's token labels, and panel titles
 * wrap to the panel's width.
 */
public final class Subplots {
    /** Width of one heatmap's plot area (three panels and their labels fit a notebook's output width). */
    static final int PANEL_PX = 170;
    /** Room for a colour bar with its tick labels and its title along the bar. */
    static final int COLORBAR_PX = 70;
    /** Approximate width of a character of 12px tick labels (plotly's default font). */
    static final double CHAR_PX = 6.5;
    /** Characters of an 11px panel title per line. */
    static final int TITLE_CHARS = 30;

    private Subplots() { }

    /**
     * One figure of {@code figs} side by side.
     *
     * @param names  a name per figure (the traces' names; the static PNG titles its panels with them)
     * @param height figure height in pixels (grown to fit titles that wrap)
     */
    public static Figure sideBySide(String title, List<Figure> figs, List<String> names, int height) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode fig = json.createObjectNode();
        ArrayNode data = fig.putArray("data");
        ObjectNode layout = fig.putObject("layout");
        layout.putObject("title").put("text", title);
        ArrayNode notes = layout.putArray("annotations");
        int n = figs.size();
        int labelPx = 0;
        for (Figure f : figs) labelPx = Math.max(labelPx, labelWidth(f.toObjectNode()));
        int stride = PANEL_PX + COLORBAR_PX + labelPx;
        int plotPx = n * stride - labelPx;
        int titleLines = 1;
        for (int i = 0; i < n; i++) {
            ObjectNode one = figs.get(i).toObjectNode();
            String suffix = i == 0 ? "" : String.valueOf(i + 1);
            double x0 = (double) i * stride / plotPx;
            double x1 = (double) (i * stride + PANEL_PX) / plotPx;
            for (JsonNode tr : one.path("data")) {
                ObjectNode t = ((ObjectNode) tr).deepCopy();
                t.put("xaxis", "x" + suffix);
                t.put("yaxis", "y" + suffix);
                t.put("name", names.get(i));
                ObjectNode cb = t.with("colorbar");
                cb.put("x", x1 + 8.0 / plotPx);
                cb.put("xanchor", "left");
                cb.put("thickness", 10);
                cb.put("len", 0.9);
                if (cb.path("title").isObject()) ((ObjectNode) cb.get("title")).put("side", "right");
                data.add(t);
            }
            ObjectNode xa = one.path("layout").path("xaxis").isObject()
                    ? ((ObjectNode) one.path("layout").path("xaxis")).deepCopy() : json.createObjectNode();
            xa.putArray("domain").add(x0).add(x1);
            xa.put("anchor", "y" + suffix);
            xa.with("title").putObject("font").put("size", 12);
            layout.set("xaxis" + suffix, xa);
            ObjectNode ya = one.path("layout").path("yaxis").isObject()
                    ? ((ObjectNode) one.path("layout").path("yaxis")).deepCopy() : json.createObjectNode();
            ya.put("anchor", "x" + suffix);
            layout.set("yaxis" + suffix, ya);
            String text = wrap(one.path("layout").path("title").path("text").asText(names.get(i)), TITLE_CHARS);
            titleLines = Math.max(titleLines, text.split("<br>").length);
            ObjectNode note = notes.addObject();
            note.put("text", text);
            note.put("x", (x0 + x1) / 2);
            note.put("y", 1.02);
            note.put("xref", "paper");
            note.put("yref", "paper");
            note.put("showarrow", false);
            note.put("xanchor", "center");
            note.put("yanchor", "bottom");
            note.putObject("font").put("size", 11);
        }
        int top = 60 + 16 * titleLines;
        int left = labelPx + 30;
        int right = COLORBAR_PX + 10;
        layout.put("height", height + 16 * (titleLines - 1));
        layout.put("width", left + plotPx + right);
        layout.putObject("margin").put("t", top).put("l", left).put("r", right);
        return Figure.of(fig);
    }

    /** Pixels the longest y label of a figure's traces needs. */
    static int labelWidth(JsonNode fig) {
        int chars = 0;
        for (JsonNode tr : fig.path("data")) {
            for (JsonNode y : tr.path("y")) chars = Math.max(chars, y.asText().length());
        }
        return (int) Math.ceil(chars * CHAR_PX) + 10;
    }

    /** Breaks text into lines of at most {@code width} characters at spaces, joined by {@code <br>}. */
    static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        int line = 0;
        for (String w : text.split(" ")) {
            if (line > 0 && line + 1 + w.length() > width) {
                out.append("<br>");
                line = 0;
            } else if (line > 0) {
                out.append(' ');
                line++;
            }
            out.append(w);
            line += w.length();
        }
        return out.toString();
    }
}
