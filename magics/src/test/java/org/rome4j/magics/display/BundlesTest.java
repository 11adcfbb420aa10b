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
    void figureIsOneBundleWithPlotlyHtmlPngAndTextButNoSvg() throws Exception {
        Bundles b = new Bundles();
        MimeBundle m = b.figure(heatmap("Needle"));
        assertEquals(List.of(MimeBundle.PLOTLY, MimeBundle.HTML, MimeBundle.PNG, MimeBundle.TEXT), List.copyOf(m.data().keySet()));
        assertFalse(m.data().containsKey("image/svg+xml"));
        Map<?, ?> plotly = (Map<?, ?>) m.get(MimeBundle.PLOTLY);
        assertEquals("Impact of restoring state", ((Map<?, ?>) ((Map<?, ?>) plotly.get("layout")).get("title")).get("text"));
        assertEquals("Figure 'Impact of restoring state': heatmap 2x3", m.plain());
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode((String) m.get(MimeBundle.PNG))));
        assertTrue(png.getWidth() > 100 && png.getHeight() > 60, png.getWidth() + "x" + png.getHeight());
        // the cells are coloured by value: the 0.9 cell is darker than the 0.1 cell (Purples)
        String html = (String) m.get(MimeBundle.HTML);
        assertTrue(html.contains("<img alt=") && html.contains("data:image/png;base64," + m.get(MimeBundle.PNG)));
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

    @Test
    void staticPngShowsTheValues() throws Exception {
        byte[] low = FigurePng.render(JSON.readTree("""
                {"data": [{"type": "heatmap", "z": [[0.0, 1.0]], "colorscale": "Purples"}], "layout": {}}"""));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(low));
        // find the two cells: first grid row is at y = 10 + 20 + 9 (title-less top margin, name row, half a cell)
        int y = 10 + 20 + 9;
        int lowX = -1;
        int highX = -1;
        for (int x = 0; x < img.getWidth(); x++) {
            int rgb = img.getRGB(x, y) & 0xffffff;
            if (rgb == 0xfcfbfd && lowX < 0) lowX = x;    // Purples at 0
            if (rgb == 0x3f007d && highX < 0) highX = x;  // Purples at 1
        }
        assertTrue(lowX > 0 && highX > lowX, "z=0 cell then z=1 cell, in the scale's colours: " + lowX + ", " + highX);
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
}
