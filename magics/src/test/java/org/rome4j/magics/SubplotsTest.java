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

    @Test
    void panelsLabelTheirTokensAndNothingOverlaps() {
        List<String> roles = List.of("First subject token", "Middle subject tokens", "Last subject token", "Further tokens");
        Figure f = Subplots.sideBySide("Average causal traces", List.of(
                panel("Impact of restoring state after corrupted input", roles),
                panel("Impact of restoring MLP after corrupted input", roles),
                panel("Impact of restoring Attn after corrupted input", roles)), List.of("state", "MLP", "Attn"), 320);
        JsonNode layout = f.toObjectNode().path("layout");
        double width = layout.path("width").asDouble();
        double left = layout.path("margin").path("l").asDouble();
        double right = layout.path("margin").path("r").asDouble();
        double plot = width - left - right;
        int labelPx = (int) Math.ceil("Middle subject tokens".length() * Subplots.CHAR_PX);
        assertTrue(left >= labelPx, "the first panel's token labels fit in the left margin: " + left + " < " + labelPx);
        for (int i = 0; i < 3; i++) {
            String s = i == 0 ? "" : String.valueOf(i + 1);
            JsonNode ya = layout.path("yaxis" + s);
            assertFalse(ya.has("showticklabels") && !ya.path("showticklabels").asBoolean(), "panel " + i + " labels its tokens");
            assertFalse(layout.path("xaxis" + s).path("title").path("text").asText().isEmpty(), "panel " + i + " titles its x axis");
            JsonNode cb = f.toObjectNode().path("data").get(i).path("colorbar");
            assertEquals("right", cb.path("title").path("side").asText(), "colour-bar title along the bar, not above it");
            if (i < 2) {
                // the colour bar, then the next panel's labels, fit in the gap before the next panel
                double gapPx = (layout.path("xaxis" + (i + 2)).path("domain").get(0).asDouble()
                        - layout.path("xaxis" + s).path("domain").get(1).asDouble()) * plot;
                assertTrue(gapPx >= Subplots.COLORBAR_PX + labelPx, "gap " + gapPx);
                assertTrue(cb.path("x").asDouble() * plot + Subplots.COLORBAR_PX
                        <= layout.path("xaxis" + (i + 2)).path("domain").get(0).asDouble() * plot - labelPx);
            }
        }
        for (JsonNode note : layout.path("annotations")) {
            for (String line : note.path("text").asText().split("<br>")) {
                assertTrue(line.length() <= Subplots.TITLE_CHARS, "panel titles wrap to the panel: " + line);
            }
        }
    }

    @Test
    void wrapBreaksAtSpaces() {
        assertEquals("Impact of restoring<br>MLP", Subplots.wrap("Impact of restoring MLP", 20));
        assertEquals("short", Subplots.wrap("short", 20));
    }
}
