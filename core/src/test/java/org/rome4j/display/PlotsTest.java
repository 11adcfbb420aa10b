package org.rome4j.display;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotsTest {
    private static final double[] LAYERS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

    private static Plots.Series band() {
        double[] y = new double[12];
        double[] lo = new double[12];
        double[] hi = new double[12];
        for (int i = 0; i < 12; i++) {
            y[i] = 0.1 * i;
            lo[i] = y[i] - 0.05;
            hi[i] = y[i] + 0.05;
        }
        return new Plots.Series("Last subject token", LAYERS, y, lo, hi, "#6a51a3");
    }

    @Test
    void linePlotsTickWholeLayersOnly() {
        ObjectNode x = (ObjectNode) Plots.lines("t", "layer", "AIE", List.of(band())).toObjectNode().path("layout").path("xaxis");
        assertEquals(0, x.path("tick0").asInt());
        assertEquals(1, x.path("dtick").asInt(), "12 layers: a tick per layer, never at 0.5");
        double[] many = new double[48];
        for (int i = 0; i < 48; i++) many[i] = i;
        Figure wide = Plots.lines("t", "layer", "AIE", List.of(Plots.Series.of("s", many, many, "#000000")));
        assertEquals(4, wide.toObjectNode().path("layout").path("xaxis").path("dtick").asInt(), "48 layers: every 4th");
        Figure frac = Plots.lines("t", "x", "y", List.of(Plots.Series.of("s", new double[] {0, 0.5}, new double[] {1, 2}, "#000000")));
        assertFalse(frac.toObjectNode().path("layout").path("xaxis").has("dtick"), "fractional x keeps plotly's ticks");
    }

    @Test
    void linesAndBarsAreAlsoTablesawFigures() {
        var ts = Plots.lines("Average indirect effect", "layer", "AIE", List.of(band())).tablesaw().orElseThrow();
        assertEquals(3, ts.getTraces().length, "band low, band high (filled), line");
        String js = ts.asJavascript("d");
        assertTrue(js.contains("tonexty") && js.contains("rgba(106,81,163,0.2)"), "the band keeps its fill");
        assertTrue(js.contains("#6a51a3"), "the line keeps its colour");
        assertTrue(js.contains("dtick: 1") || js.contains("dtick: '1'") || js.contains("dtick:1"), js);
        assertEquals("Average indirect effect", ts.getLayout().getTitle());
        var bars = Plots.bars("b", "layer", "effect", List.of("0", "1"), List.of("plain", "severed"),
                List.of(new double[] {0.1, 0.2}, new double[] {0.3, 0.4}), List.of("#6a51a3", "#cb181d")).tablesaw().orElseThrow();
        assertEquals(2, bars.getTraces().length);
        String bjs = bars.asJavascript("b");
        assertTrue(bjs.contains("#cb181d") && bjs.contains("type: 'bar'"), bjs);   // plotly groups bars by default
    }

    @Test
    void heatmapsStayPlotlyJsonOnly() {
        Figure h = Plots.heatmap("t", "layer", "", List.of("0", "1"), List.of("0:a", "1:b*"),
                new double[][] {{0.1, 0.2}, {0.3, 0.4}}, "Purples", 0.1, "p(x)");
        assertTrue(h.toObjectNode().path("layout").path("yaxis").path("automargin").asBoolean(), "labels are never cut");
        assertTrue(h.tablesaw().isEmpty(), "tablesaw-jsplot's heatmap has no colour scale or colour bar");
        assertEquals(h, Figure.of(h.toObjectNode()), "a value: same spec, equal");
    }

    @Test
    void figuresTakeTheOutputAreasWidthAndTickEveryCategory() {
        Figure h = Plots.heatmap("t", "layer", "", List.of("0", "1", "2"), List.of("0:a", "1:b"), new double[][] {{0, 1, 0}, {1, 0, 1}},
                "Purples", 0, "p(x)");
        Figure b = Plots.bars("b", "layer", "effect", List.of("0", "1", "2", "3"), List.of("s"), List.of(new double[] {1, 2, 3, 4}),
                List.of("#6a51a3"));
        Figure l = Plots.lines("l", "layer", "y", List.of(Plots.Series.of("s", new double[] {0, 1}, new double[] {0, 1}, "#6a51a3")));
        for (Figure f : List.of(h, b, l)) {
            ObjectNode layout = (ObjectNode) f.toObjectNode().get("layout");
            assertFalse(layout.has("width"), f + ": no fixed width");
            assertTrue(layout.path("autosize").asBoolean() && layout.path("height").asInt() >= 260, f + ": autosized, with a height");
        }
        ObjectNode hl = (ObjectNode) h.toObjectNode().get("layout");
        assertEquals(Math.max(260, Plots.HEATMAP_CHROME_PX + 2 * Plots.ROW_PX), hl.path("height").asInt(), "height from the rows");
        for (String axis : List.of("xaxis", "yaxis")) {
            assertEquals("category", hl.path(axis).path("type").asText());
            assertEquals(1, hl.path(axis).path("dtick").asInt(), axis + ": every layer and token ticked");
        }
        assertEquals(1, b.toObjectNode().path("layout").path("xaxis").path("dtick").asInt(), "bars: every layer ticked");
        assertEquals("right", h.toObjectNode().path("data").get(0).path("colorbar").path("title").path("side").asText(),
                "colour-bar title along the bar");
    }
}
