package org.rome4j.magics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.display.Figure;
import org.rome4j.display.Plots;

import java.util.List;

/**
 * Puts single-heatmap figures in one figure, stacked top to bottom (own axes, colour bar and title each).
 * Stacked, not side by side: every panel then has the output area's whole width, whatever the front end
 * (JupyterLab with its file browser open, Notebook 7, VS Code), and the figure sets no width at all; side by
 * side, three panels with their token labels and colour bars need ~1,100 px and the last one ends up behind
 * a scrollbar. Laid out in pixels vertically (the height is set, the width is not): each panel has room
 * above it for its title and below it for its layer ticks and axis title, and its colour bar spans only its
 * own rows, titled along the bar.
 */
public final class Subplots {
    /** Room above a panel for one line of its title. */
    static final int TITLE_PX = 34;
    /** Extra room per further line of a wrapped panel title. */
    static final int TITLE_LINE_PX = 15;
    /** Room below a panel for its layer ticks and axis title. */
    static final int AXIS_PX = 62;
    /** Top margin: the figure's title. */
    static final int TOP_PX = 50;
    /** Right margin: a colour bar with its tick labels and its title along the bar. */
    static final int COLORBAR_PX = 90;
    /** Characters of an 11px panel title per line (fits a 420 px wide output). */
    static final int TITLE_CHARS = 60;
    /** The shortest panel, so a panel of one or two rows keeps a readable colour bar. */
    static final int MIN_PANEL_PX = 96;

    private Subplots() { }

    /**
     * One figure of {@code figs}, stacked.
     *
     * @param names a name per figure (the traces' names; the static PNG titles its panels with them)
     */
    public static Figure stacked(String title, List<Figure> figs, List<String> names) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode fig = json.createObjectNode();
        ArrayNode data = fig.putArray("data");
        ObjectNode layout = fig.putObject("layout");
        layout.putObject("title").put("text", title);
        ArrayNode notes = layout.putArray("annotations");
        int n = figs.size();
        String[] titles = new String[n];
        int[] above = new int[n];
        int[] panel = new int[n];
        int plotPx = 0;
        for (int i = 0; i < n; i++) {
            ObjectNode one = figs.get(i).toObjectNode();
            titles[i] = wrap(one.path("layout").path("title").path("text").asText(names.get(i)), TITLE_CHARS);
            above[i] = TITLE_PX + TITLE_LINE_PX * (titles[i].split("<br>").length - 1);
            panel[i] = Math.max(MIN_PANEL_PX, Plots.ROW_PX * rows(one));
            plotPx += above[i] + panel[i] + AXIS_PX;
        }
        plotPx -= above[0];   // the first panel's title sits in the top margin, under the figure's title
        int top = TOP_PX + above[0];
        int y = 0;   // pixels from the top of the plot area
        for (int i = 0; i < n; i++) {
            ObjectNode one = figs.get(i).toObjectNode();
            String suffix = i == 0 ? "" : String.valueOf(i + 1);
            if (i > 0) y += above[i];
            double hi = 1 - (double) y / plotPx;
            double lo = 1 - (double) (y + panel[i]) / plotPx;
            y += panel[i] + AXIS_PX;
            for (JsonNode tr : one.path("data")) {
                ObjectNode t = ((ObjectNode) tr).deepCopy();
                t.put("xaxis", "x" + suffix);
                t.put("yaxis", "y" + suffix);
                t.put("name", names.get(i));
                ObjectNode cb = t.with("colorbar");
                cb.put("x", 1.0).put("xpad", 12).put("xanchor", "left");
                cb.put("y", (lo + hi) / 2).put("yanchor", "middle");
                cb.put("len", hi - lo).put("lenmode", "fraction");
                cb.put("thickness", 12);
                if (cb.path("title").isObject()) ((ObjectNode) cb.get("title")).put("side", "right");
                data.add(t);
            }
            ObjectNode xa = one.path("layout").path("xaxis").isObject()
                    ? ((ObjectNode) one.path("layout").path("xaxis")).deepCopy() : json.createObjectNode();
            xa.putArray("domain").add(0.0).add(1.0);
            xa.put("anchor", "y" + suffix);
            xa.with("title").putObject("font").put("size", 12);
            layout.set("xaxis" + suffix, xa);
            ObjectNode ya = one.path("layout").path("yaxis").isObject()
                    ? ((ObjectNode) one.path("layout").path("yaxis")).deepCopy() : json.createObjectNode();
            ya.put("anchor", "x" + suffix);
            ya.putArray("domain").add(lo).add(hi);
            ya.put("automargin", true);
            layout.set("yaxis" + suffix, ya);
            ObjectNode note = notes.addObject();
            note.put("text", titles[i]);
            note.put("x", 0.5);
            note.put("y", hi);
            note.put("yshift", 6);
            note.put("xref", "paper");
            note.put("yref", "paper");
            note.put("showarrow", false);
            note.put("xanchor", "center");
            note.put("yanchor", "bottom");
            note.putObject("font").put("size", 12);
        }
        int bottom = 10;
        Plots.fitWidth(layout, top + plotPx + bottom);
        layout.putObject("margin").put("t", top).put("r", COLORBAR_PX).put("b", bottom);
        return Figure.of(fig);
    }

    /** Rows of a figure's (first) heatmap. */
    static int rows(JsonNode fig) {
        int rows = 1;
        for (JsonNode tr : fig.path("data")) rows = Math.max(rows, tr.path("y").size());
        return rows;
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
