package org.rome4j.magics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.display.Figure;

import java.util.List;

/** Puts single-heatmap figures side by side in one figure (own axes, colour bar and title each). */
public final class Subplots {
    private Subplots() { }

    /**
     * One figure of {@code figs} side by side.
     *
     * @param names  a name per figure (the traces' names; the static PNG titles its panels with them)
     * @param height figure height in pixels
     */
    public static Figure sideBySide(String title, List<Figure> figs, List<String> names, int height) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode fig = json.createObjectNode();
        ArrayNode data = fig.putArray("data");
        ObjectNode layout = fig.putObject("layout");
        layout.putObject("title").put("text", title);
        ArrayNode notes = layout.putArray("annotations");
        int n = figs.size();
        double gap = 0.1;
        double w = (1.0 - gap * (n - 1)) / n;
        for (int i = 0; i < n; i++) {
            ObjectNode one = figs.get(i).toObjectNode();
            String suffix = i == 0 ? "" : String.valueOf(i + 1);
            double x0 = i * (w + gap);
            for (JsonNode tr : one.path("data")) {
                ObjectNode t = ((ObjectNode) tr).deepCopy();
                t.put("xaxis", "x" + suffix);
                t.put("yaxis", "y" + suffix);
                t.put("name", names.get(i));
                ObjectNode cb = t.with("colorbar");
                cb.put("x", x0 + w + 0.005);
                cb.put("thickness", 10);
                cb.put("len", 0.9);
                data.add(t);
            }
            ObjectNode xa = one.path("layout").path("xaxis").isObject()
                    ? ((ObjectNode) one.path("layout").path("xaxis")).deepCopy() : json.createObjectNode();
            xa.putArray("domain").add(x0).add(x0 + w);
            xa.put("anchor", "y" + suffix);
            layout.set("xaxis" + suffix, xa);
            ObjectNode ya = one.path("layout").path("yaxis").isObject()
                    ? ((ObjectNode) one.path("layout").path("yaxis")).deepCopy() : json.createObjectNode();
            ya.put("anchor", "x" + suffix);
            if (i > 0) ya.put("showticklabels", false);
            layout.set("yaxis" + suffix, ya);
            ObjectNode note = notes.addObject();
            note.put("text", one.path("layout").path("title").path("text").asText(names.get(i)));
            note.put("x", x0 + w / 2);
            note.put("y", 1.02);
            note.put("xref", "paper");
            note.put("yref", "paper");
            note.put("showarrow", false);
            note.put("xanchor", "center");
            note.put("yanchor", "bottom");
            note.putObject("font").put("size", 11);
        }
        layout.put("height", height);
        layout.put("width", 380 * n);
        layout.putObject("margin").put("t", 90);
        return Figure.of(fig);
    }
}
