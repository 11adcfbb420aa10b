package org.rome4j.magics.display;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundlesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode heatmap(String label) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"data": [{"type": "heatmap", "z": [[0.1, 0.9, 0.5], [0.2, 0.3, 0.4]],
                           "x": ["0", "1", "2"], "y": ["0:The", "1:%s"], "colorscale": "Purples"}],
                 "layout": {"title": {"text": "Impact of restoring state"}, "yaxis": {"autorange": "reversed"}}}
                """.formatted(label));
    }

    @Test
    void figureIsOneBundleWithPlotlyHtmlAndTextAndItsPngInsideTheHtml() throws Exception {
        Bundles b = new Bundles();
        MimeBundle m = b.figure(heatmap("Needle"));
        // no top-level image/png: jupyterlab-plotly would show it instead of the figure until the mouse passes over it
        assertEquals(List.of(MimeBundle.PLOTLY, MimeBundle.HTML, MimeBundle.TEXT), List.copyOf(m.data().keySet()));
        assertFalse(m.data().containsKey("image/svg+xml"));
        Map<?, ?> plotly = (Map<?, ?>) m.get(MimeBundle.PLOTLY);
        assertEquals("Impact of restoring state", ((Map<?, ?>) ((Map<?, ?>) plotly.get("layout")).get("title")).get("text"));
        assertEquals("Figure 'Impact of restoring state': heatmap 2x3", m.plain());
        String html = (String) m.get(MimeBundle.HTML);
        String b64 = Bundles.png(heatmap("Needle"));
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
        assertTrue(png.getWidth() > 100 && png.getHeight() > 60, png.getWidth() + "x" + png.getHeight());
        assertTrue(html.contains("<img alt=") && html.contains("data:image/png;base64," + b64));
        assertTrue(html.contains("window.Plotly.newPlot(el, fig.data, fig.layout"));
    }

    @Test
    void plotlyJsIsInlinedOnceAndNeverFetched() throws Exception {
        Bundles b = new Bundles();
        String first = (String) b.figure(heatmap("a")).get(MimeBundle.HTML);
        String second = (String) b.figure(heatmap("b")).get(MimeBundle.HTML);
        assertTrue(first.length() > 1_000_000, "first figure carries plotly.js");
        assertTrue(first.contains("plotly.js (cartesian - minified) v4.1.1"));
        assertTrue(second.length() < 20_000, "second figure does not: " + second.length());
        assertFalse(second.contains("http://") || second.contains("https://"), "no URL in a figure's own HTML");
        for (String h : List.of(first, second)) {
            assertFalse(h.contains("<script src") || h.contains("<link"), "nothing loaded from elsewhere");
        }
    }

    @Test
    void labelsCannotCloseTheScriptElement() throws Exception {
        Bundles b = new Bundles();
        b.figure(heatmap("x"));   // plotly sent
        String html = (String) b.figure(heatmap("</script><b>")).get(MimeBundle.HTML);
        String script = html.substring(html.lastIndexOf("<script"));
        assertEquals(1, script.split("</script>", -1).length - 1, "only the element's own end tag");
        assertTrue(script.contains("<\\/script><b>"));
    }

    private static BufferedImage png(String json) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(StaticPng.render(JSON.readTree(json))));
    }

    /** The first x (scanning rows top-down) where a pixel has exactly this colour, as {x, y}; null if none. */
    private static int[] find(BufferedImage img, int rgb) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) return new int[] {x, y};
            }
        }
        return null;
    }

    @Test
    void staticPngShowsTheValuesInTheScaleColours() throws Exception {
        BufferedImage img = png("""
                {"data": [{"type": "heatmap", "z": [[0.0, 1.0]], "colorscale": "Purples"}], "layout": {}}""");
        int[] low = find(img, 0xfcfbfd);    // Purples at 0
        int[] high = find(img, 0x3f007d);   // Purples at 1
        assertTrue(low != null && high != null, "both cells drawn in the scale's end colours");
        assertTrue(high[0] > low[0] && Math.abs(high[1] - low[1]) <= 1, "z=0 cell left of z=1 cell on one row: "
                + low[0] + "," + low[1] + " " + high[0] + "," + high[1]);
        // zmin/zmax clip the scale as plotly does: 0.5 with zmin 0.5 is the light end
        BufferedImage clipped = png("""
                {"data": [{"type": "heatmap", "z": [[0.5, 1.0]], "zmin": 0.5, "zmax": 1.0,
                           "colorscale": [[0, "#fcfbfd"], [1, "#3f007d"]]}], "layout": {}}""");
        assertTrue(find(clipped, 0xfcfbfd) != null && find(clipped, 0x3f007d) != null);
    }

    @Test
    void staticPngDrawsStackedPanelsBarsAndBandedLines() throws Exception {
        BufferedImage one = png(heatmap("Needle*").toString());
        ObjectNode three = (ObjectNode) JSON.readTree("""
                {"data": [{"type": "heatmap", "z": [[0, 1]], "colorscale": [[0, "#fcfbfd"], [1, "#3f007d"]]},
                          {"type": "heatmap", "z": [[0, 1]], "colorscale": [[0, "#f7fcf5"], [1, "#00441b"]], "xaxis": "x2", "yaxis": "y2"},
                          {"type": "heatmap", "z": [[0, 1]], "colorscale": [[0, "#fff5f0"], [1, "#67000d"]], "xaxis": "x3", "yaxis": "y3"}],
                 "layout": {"title": {"text": "Causal trace"}}}""");
        BufferedImage side = png(three.toString());
        assertTrue(side.getHeight() > 2 * one.getHeight() - 100 && side.getWidth() < one.getWidth() + 200,
                "three panels stacked: " + side.getWidth() + "x" + side.getHeight());
        for (int rgb : new int[] {0x3f007d, 0x00441b, 0x67000d}) {
            assertTrue(find(side, rgb) != null, "each panel keeps its own scale: " + Integer.toHexString(rgb));
        }
        BufferedImage bars = png("""
                {"data": [{"type": "bar", "name": "pre", "x": ["ES", "PS"], "y": [10, 20], "marker": {"color": "#9e9ac8"}},
                          {"type": "bar", "name": "post", "x": ["ES", "PS"], "y": [90, 80], "marker": {"color": "#54278f"}}],
                 "layout": {"title": {"text": "scores"}}}""");
        assertTrue(find(bars, 0x9e9ac8) != null && find(bars, 0x54278f) != null, "bars in their marker colours");
        BufferedImage lines = png(org.rome4j.display.Plots.lines("AIE", "layer", "effect", List.of(new org.rome4j.display.Plots.Series(
                "Last token", new double[] {0, 1, 2}, new double[] {0.1, 0.5, 0.2}, new double[] {0, 0.4, 0.1},
                new double[] {0.2, 0.6, 0.3}, "#6a51a3"))).toJson());
        assertTrue(find(lines, 0x6a51a3) != null, "the line in its colour");
    }

    @Test
    void tableIsHtmlAndTextWithEscapedCells() {
        Table t = Table.create("effects", StringColumn.create("token", "<s>", "Paris"), DoubleColumn.create("p", 0.5, 0.25));
        MimeBundle m = new Bundles().table(t);
        String html = (String) m.get(MimeBundle.HTML);
        assertTrue(html.contains("<th>token</th><th>p</th>"));
        assertTrue(html.contains("<td>&lt;s&gt;</td>"));
        assertTrue(m.plain().contains("Paris"));
    }

    @Test
    void displayedTablesRoundNumbersButTheTableKeepsThem() {
        double noise = -0.000000022351741790771484;
        Table t = Table.create("t", DoubleColumn.create("effect", noise, 0.123456789, 0.0, 1234.5678));
        MimeBundle m = new Bundles().table(t);
        String html = (String) m.get(MimeBundle.HTML);
        assertTrue(html.contains("<td>-2.24e-08</td>") && html.contains("<td>0.1235</td>") && html.contains("<td>0</td>")
                && html.contains("<td>1235</td>"), html);
        assertFalse(html.contains("0.0000000223") || m.plain().contains("0.0000000223"), "no 17-digit numbers");
        assertEquals(noise, t.doubleColumn("effect").get(0), 0.0, "the value itself stays exact");
        assertEquals("0.001", ReadableNumbers.format(0.001));
        assertEquals("1.00e+06", ReadableNumbers.format(1e6));
        assertEquals("", ReadableNumbers.format(Double.NaN));
    }

    @Test
    void longTablesShowTheirHeadAndRowCount() {
        int[] layers = new int[96];
        for (int i = 0; i < 96; i++) layers[i] = i;
        Table t = Table.create("causal trace", tech.tablesaw.api.IntColumn.create("layer", layers));
        MimeBundle m = new Bundles().table(t);
        String html = (String) m.get(MimeBundle.HTML);
        assertEquals(Bundles.HEAD_ROWS, html.split("<tr>", -1).length - 2, "header row + the head only");
        assertTrue(html.contains("first 10 of 96 rows"), html);
        assertTrue(m.plain().contains("96 rows in all") && !m.plain().contains(" 95 "), m.plain());
        Table shortOne = t.first(Bundles.MAX_ROWS);
        String whole = (String) new Bundles().table(shortOne).get(MimeBundle.HTML);
        assertEquals(Bundles.MAX_ROWS, whole.split("<tr>", -1).length - 2, "a short table is shown whole");
    }

    @Test
    void tablesawFiguresAreReadBackAsPlotlyJson() {
        var f = org.rome4j.display.Plots.lines("Average indirect effect", "layer", "AIE",
                List.of(org.rome4j.display.Plots.Series.of("Last token", new double[] {0, 1, 2}, new double[] {0.1, 0.3, 0.2},
                        "#6a51a3"))).tablesaw().orElseThrow();
        Bundles b = new Bundles();
        List<MimeBundle> out = b.render(f);
        assertEquals(1, out.size());
        // the plotly JSON as well: front ends that take it (jupyterlab-plotly, VS Code) never run the HTML
        Map<?, ?> plotly = (Map<?, ?>) out.get(0).get(MimeBundle.PLOTLY);
        Map<?, ?> layout = (Map<?, ?>) plotly.get("layout");
        assertEquals("Average indirect effect", ((Map<?, ?>) layout.get("title")).get("text"), "string titles become {text}");
        assertEquals("layer", ((Map<?, ?>) ((Map<?, ?>) layout.get("xaxis")).get("title")).get("text"));
        assertFalse(layout.containsKey("width"), "no fixed width");
        List<?> data = (List<?>) plotly.get("data");
        assertEquals(1, data.size());
        List<?> y = (List<?>) ((Map<?, ?>) data.get(0)).get("y");
        assertEquals("[0.1, 0.3, 0.2] Double", y + " " + y.get(0).getClass().getSimpleName());
        assertEquals("Last token", ((Map<?, ?>) data.get(0)).get("name"));
        String html = (String) out.get(0).get(MimeBundle.HTML);
        assertTrue(html.contains("plotly.js (cartesian - minified)"), "carries plotly.js: the first figure");
        String own = html.substring(html.lastIndexOf("<div"));
        assertFalse(own.contains("http://") || own.contains("https://"), "nothing fetched");
        String second = (String) b.render(f).get(0).get(MimeBundle.HTML);
        assertTrue(second.length() < 60_000, "plotly.js sent once");
    }

    @Test
    void nanIsWrittenAsNull() throws Exception {
        ObjectNode fig = (ObjectNode) JSON.readTree("""
                {"data": [{"type": "scatter", "x": [0, 1], "y": [0.5, 0.25]}], "layout": {}}""");
        ((com.fasterxml.jackson.databind.node.ArrayNode) fig.get("data").get(0).get("y")).set(1, Double.NaN);
        MimeBundle m = new Bundles().figure(fig);
        List<?> y = (List<?>) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) m.get(MimeBundle.PLOTLY)).get("data")).get(0)).get("y");
        assertEquals(java.util.Arrays.asList(0.5, null), y);
        String html = (String) m.get(MimeBundle.HTML);
        assertFalse(html.substring(html.lastIndexOf("<div")).contains("NaN"), "the figure's own JSON has no NaN");
    }
}
