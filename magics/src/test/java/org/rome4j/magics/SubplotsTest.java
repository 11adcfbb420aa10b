package org.rome4j.magics;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.rome4j.display.Figure;
import org.rome4j.display.Plots;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubplotsTest {
    private static Figure panel(String title, List<String> labels) {
        double[][] z = new double[labels.size()][4];
        return Plots.heatmap(title, "single restored layer within GPT-2", "", List.of("0", "1", "2", "3"), labels, z,
                "Purples", 0, "p( Paris)");
    }

    /** Pixels from the top of the figure to a paper y, given the figure's height and margins. */
    private static double px(JsonNode layout, double paperY) {
        double h = layout.path("height").asDouble();
        double t = layout.path("margin").path("t").asDouble();
        double b = layout.path("margin").path("b").asDouble();
        return t + (1 - paperY) * (h - t - b);
    }

    @Test
    void panelsStackWithoutAFixedWidthAndNothingOverlaps() {
        List<String> roles = List.of("First subject token", "Middle subject tokens", "Last subject token", "Further tokens");
        Figure f = Subplots.stacked("Average causal traces", List.of(
                panel("Impact of restoring state after corrupted input", roles),
                panel("Impact of restoring MLP after corrupted input", roles),
                panel("Impact of restoring Attn after corrupted input, a title long enough to wrap onto a second line", roles)),
                List.of("state", "MLP", "Attn"));
        JsonNode layout = f.toObjectNode().path("layout");
        assertFalse(layout.has("width"), "no fixed width: the figure takes the output area's width");
        assertTrue(layout.path("autosize").asBoolean());
        double previousBottom = layout.path("margin").path("t").asDouble() - Subplots.TITLE_PX;
        for (int i = 0; i < 3; i++) {
            String s = i == 0 ? "" : String.valueOf(i + 1);
            JsonNode ya = layout.path("yaxis" + s);
            JsonNode xa = layout.path("xaxis" + s);
            assertEquals(0.0, xa.path("domain").get(0).asDouble());
            assertEquals(1.0, xa.path("domain").get(1).asDouble(), "every panel has the whole width");
            assertFalse(ya.has("showticklabels") && !ya.path("showticklabels").asBoolean(), "panel " + i + " labels its tokens");
            assertTrue(ya.path("automargin").asBoolean(), "token labels widen the margin instead of being cut");
            assertFalse(xa.path("title").path("text").asText().isEmpty(), "panel " + i + " titles its x axis");
            double topPx = px(layout, ya.path("domain").get(1).asDouble());
            double bottomPx = px(layout, ya.path("domain").get(0).asDouble());
            assertEquals(roles.size() * Plots.ROW_PX, bottomPx - topPx, 1e-6, "a row per token, tall enough for its label");
            // above the panel: the previous panel's ticks and axis title, then this panel's (wrapped) title
            int titleLines = layout.path("annotations").get(i).path("text").asText().split("<br>").length;
            double room = topPx - previousBottom;
            assertTrue(room >= (i == 0 ? 0 : Subplots.AXIS_PX) + Subplots.TITLE_PX + Subplots.TITLE_LINE_PX * (titleLines - 1) - 1e-6,
                    "panel " + i + ": " + room + " px above it for " + titleLines + " title lines");
            previousBottom = bottomPx;
            JsonNode cb = f.toObjectNode().path("data").get(i).path("colorbar");
            assertEquals("right", cb.path("title").path("side").asText(), "colour-bar title along the bar, not above it");
            assertEquals(ya.path("domain").get(1).asDouble() - ya.path("domain").get(0).asDouble(), cb.path("len").asDouble(), 1e-9,
                    "the colour bar spans its own panel only");
            assertEquals((ya.path("domain").get(1).asDouble() + ya.path("domain").get(0).asDouble()) / 2, cb.path("y").asDouble(), 1e-9);
            assertTrue(cb.path("x").asDouble() >= 1.0, "colour bars sit right of the plot, in the right margin");
        }
        assertEquals(layout.path("height").asDouble(), previousBottom + Subplots.AXIS_PX + layout.path("margin").path("b").asDouble(), 1e-6,
                "the last panel's axis title fits in the height");
        for (JsonNode note : layout.path("annotations")) {
            for (String line : note.path("text").asText().split("<br>")) {
                assertTrue(line.length() <= Subplots.TITLE_CHARS, "panel titles wrap: " + line);
            }
        }
    }

    @Test
    void wrapBreaksAtSpaces() {
        assertEquals("Impact of restoring<br>MLP", Subplots.wrap("Impact of restoring MLP", 20));
        assertEquals("short", Subplots.wrap("short", 20));
    }
}
