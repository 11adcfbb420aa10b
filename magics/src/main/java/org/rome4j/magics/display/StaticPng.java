package org.rome4j.magics.display;

import com.fasterxml.jackson.databind.JsonNode;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The static PNG of a figure, drawn with JFreeChart from the figure's data (headless): each heatmap
 * as a block chart with its token labels (subject tokens starred, as in the figure), layer axis, colour
 * scale and colour bar (and the cells' text where the figure labels its cells, as the logit lens does); bars as a
 * grouped bar chart; lines with their confidence bands. Panels stand one under the other below the figure's title. It is the fallback where plotly.js does not run (GitHub,
 * nbviewer, e-mail), so it shows the same numbers, simply.
 */
public final class StaticPng {
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font CELL = new Font(Font.SANS_SERIF, Font.PLAIN, 9);
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};
    private static final int CELL_H = 20;
    private static final double CHAR_PX = 6.5;

    private StaticPng() { }

    /** The PNG bytes of a Plotly figure ({@code {data, layout}}). */
    public static byte[] render(JsonNode fig) {
        System.setProperty("java.awt.headless", "true");
        JsonNode layout = fig.path("layout");
        List<JsonNode> heatmaps = new ArrayList<>();
        List<JsonNode> bars = new ArrayList<>();
        List<JsonNode> lines = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode tr : fig.path("data")) {
            switch (tr.path("type").asText("scatter")) {
                case "heatmap" -> heatmaps.add(tr);
                case "bar" -> bars.add(tr);
                case "scatter" -> lines.add(tr);
                default -> skipped.add(tr.path("type").asText());
            }
        }
        String title = Bundles.titleText(layout.path("title"));
        JsonNode notes = layout.path("annotations");
        boolean onePanel = heatmaps.size() + (bars.isEmpty() ? 0 : 1) + (lines.isEmpty() ? 0 : 1) == 1;
        List<BufferedImage> panels = new ArrayList<>();
        for (int i = 0; i < heatmaps.size(); i++) {
            String panelTitle = onePanel ? title : notes.size() == heatmaps.size()
                    ? notes.get(i).path("text").asText().replace("<br>", " ") : heatmaps.get(i).path("name").asText("");
            panels.add(heatmap(heatmaps.get(i), layout, panelTitle, onePanel));
        }
        if (!bars.isEmpty()) panels.add(bars(bars, layout, onePanel ? title : ""));
        if (!lines.isEmpty()) panels.add(lines(lines, layout, onePanel ? title : ""));
        String note = skipped.isEmpty() ? "" : "not drawn in this static preview: " + String.join(", ", skipped) + " traces";
        return png(compose(onePanel ? "" : title, panels, note));
    }

    private static JFreeChart chart(String title, org.jfree.chart.plot.Plot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(null, PANEL_TITLE, plot, legend);
        if (!title.isEmpty()) {
            TextTitle t = new TextTitle(title, PANEL_TITLE);
            t.setMaximumLinesToDisplay(3);
            chart.setTitle(t);
        }
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        return chart;
    }

    /** One heatmap: rows are the y labels (row 0 on top when the axis is reversed), columns the x labels. */
    private static BufferedImage heatmap(JsonNode tr, JsonNode layout, String title, boolean alone) {
        JsonNode zn = tr.path("z");
        int rows = zn.size();
        int cols = rows == 0 ? 0 : zn.get(0).size();
        double[] xs = new double[rows * cols];
        double[] ys = new double[rows * cols];
        double[] zs = new double[rows * cols];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                JsonNode v = zn.get(r).get(c);
                int k = r * cols + c;
                xs[k] = c;
                ys[k] = r;
                zs[k] = v == null || v.isNull() ? Double.NaN : v.asDouble();
                if (!Double.isNaN(zs[k])) {
                    lo = Math.min(lo, zs[k]);
                    hi = Math.max(hi, zs[k]);
                }
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries(tr.path("name").asText("z"), new double[][] {xs, ys, zs});
        String[] xl = labels(tr.path("x"), cols);
        String[] yl = labels(tr.path("y"), rows);
        JsonNode xa = axis(layout, "xaxis", tr.path("xaxis").asText("x"));
        JsonNode ya = axis(layout, "yaxis", tr.path("yaxis").asText("y"));
        SymbolAxis x = new SymbolAxis(Bundles.titleText(xa.path("title")), xl);
        SymbolAxis y = new SymbolAxis(Bundles.titleText(ya.path("title")), yl);
        for (SymbolAxis a : List.of(x, y)) {
            a.setGridBandsVisible(false);
            a.setTickLabelFont(LABEL);
            a.setLabelFont(LABEL);
        }
        x.setRange(-0.5, Math.max(cols, 1) - 0.5);   // an empty heatmap (no fact traced) still draws, empty
        y.setRange(-0.5, Math.max(rows, 1) - 0.5);
        y.setInverted("reversed".equals(ya.path("autorange").asText("")));
        double zmin = tr.has("zmin") ? tr.get("zmin").asDouble() : lo == Double.POSITIVE_INFINITY ? 0 : lo;
        double zmax = tr.has("zmax") ? tr.get("zmax").asDouble() : hi == Double.NEGATIVE_INFINITY ? 1 : hi;
        ColorScale scale = ColorScale.of(tr.path("colorscale"), tr.path("reversescale").asBoolean(false), zmin, zmax);
        XYBlockRenderer blocks = new XYBlockRenderer();
        blocks.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, x, y, blocks);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        int cellPx = 22;
        JsonNode text = tr.path("text");
        if (text.isArray() && text.size() == rows) {   // cell labels (the logit lens's top tokens): the same text, drawn
            int chars = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    String t = text.get(r).path(c).asText("");
                    chars = Math.max(chars, t.length());
                    if (t.isEmpty()) continue;
                    XYTextAnnotation a = new XYTextAnnotation(t, c, r);
                    a.setFont(CELL);
                    double v = zs[r * cols + c];
                    a.setPaint(!Double.isNaN(v) && (v - scale.getLowerBound()) > 0.55 * (scale.getUpperBound() - scale.getLowerBound())
                            ? Color.WHITE : Color.BLACK);
                    plot.addAnnotation(a);
                }
            }
            cellPx = Math.max(cellPx, Math.min(90, (int) (chars * 5.6) + 8));
        }
        JFreeChart chart = chart(title, plot, false);
        NumberAxis barAxis = new NumberAxis(Bundles.titleText(tr.path("colorbar").path("title")));
        barAxis.setTickLabelFont(LABEL);
        barAxis.setLabelFont(LABEL);
        barAxis.setRange(scale.getLowerBound(), scale.getUpperBound());
        PaintScaleLegend bar = new PaintScaleLegend(scale, barAxis);
        bar.setPosition(RectangleEdge.RIGHT);
        bar.setStripWidth(10);
        bar.setAxisOffset(2);
        bar.setMargin(new RectangleInsets(20, 8, 40, 4));
        bar.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(bar);
        int labelPx = 0;
        for (String s : yl) labelPx = Math.max(labelPx, (int) (s.length() * CHAR_PX));
        int width = Math.max(alone ? 420 : 320, 40 + labelPx + cellPx * cols + 100);
        int height = 110 + CELL_H * rows + (title.length() > width / 8 ? 16 : 0);
        return chart.createBufferedImage(width, height);
    }

    /** Bar traces grouped per category, coloured as their markers, with a legend. */
    private static BufferedImage bars(List<JsonNode> traces, JsonNode layout, String title) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int t = 0; t < traces.size(); t++) {
            JsonNode tr = traces.get(t);
            String name = tr.path("name").asText("trace " + t);
            String[] cats = labels(tr.path("x"), tr.path("y").size());
            for (int i = 0; i < cats.length; i++) data.addValue(tr.path("y").get(i).asDouble(), name, cats[i]);
        }
        JFreeChart chart = ChartFactory.createBarChart(null, Bundles.titleText(layout.path("xaxis").path("title")),
                Bundles.titleText(layout.path("yaxis").path("title")), data, PlotOrientation.VERTICAL, traces.size() > 1, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        for (int t = 0; t < traces.size(); t++) {
            r.setSeriesPaint(t, ColorScale.color(traces.get(t).path("marker").path("color").asText(""), PALETTE[t % PALETTE.length]));
        }
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getDomainAxis().setTickLabelFont(LABEL);
        JFreeChart styled = restyle(chart, title);
        return styled.createBufferedImage(Math.max(420, 60 + 14 * traces.size() * data.getColumnCount()), 340);
    }

    /**
     * Scatter traces as lines; a trace filled {@code tonexty} and the trace before it are the band of
     * the line that follows them (as {@link org.rome4j.display.Plots#lines} writes them).
     */
    private static BufferedImage lines(List<JsonNode> traces, JsonNode layout, String title) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<Color> colors = new ArrayList<>();
        double[] lower = null;
        double[] upper = null;
        for (int t = 0; t < traces.size(); t++) {
            JsonNode tr = traces.get(t);
            boolean next = t + 1 < traces.size() && "tonexty".equals(traces.get(t + 1).path("fill").asText());
            if (next) {
                lower = values(tr.path("y"));
                continue;
            }
            if ("tonexty".equals(tr.path("fill").asText())) {
                upper = values(tr.path("y"));
                continue;
            }
            double[] x = values(tr.path("x"));
            double[] y = values(tr.path("y"));
            YIntervalSeries s = new YIntervalSeries(tr.path("name").asText("trace " + t));
            for (int i = 0; i < y.length; i++) {
                double xi = i < x.length ? x[i] : i;
                s.add(xi, y[i], lower == null ? y[i] : lower[i], upper == null ? y[i] : upper[i]);
            }
            data.addSeries(s);
            colors.add(ColorScale.color(tr.path("line").path("color").asText(""), PALETTE[colors.size() % PALETTE.length]));
            lower = null;
            upper = null;
        }
        JFreeChart chart = ChartFactory.createXYLineChart(null, Bundles.titleText(layout.path("xaxis").path("title")),
                Bundles.titleText(layout.path("yaxis").path("title")), data, PlotOrientation.VERTICAL, data.getSeriesCount() > 1,
                false, false);
        XYPlot plot = chart.getXYPlot();
        DeviationRenderer r = new DeviationRenderer(true, true);
        r.setAlpha(0.2f);
        for (int i = 0; i < colors.size(); i++) {
            r.setSeriesPaint(i, colors.get(i));
            r.setSeriesFillPaint(i, colors.get(i));
        }
        plot.setRenderer(r);
        if (layout.path("xaxis").has("dtick")) {
            ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return restyle(chart, title).createBufferedImage(560, 360);
    }

    private static JFreeChart restyle(JFreeChart chart, String title) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        if (!title.isEmpty()) {
            TextTitle t = new TextTitle(title, PANEL_TITLE);
            t.setMaximumLinesToDisplay(3);
            chart.setTitle(t);
        }
        return chart;
    }

    /** Panels stacked under the figure's title (as the interactive figure stacks them), with a note under them. */
    private static BufferedImage compose(String title, List<BufferedImage> panels, String note) {
        int top = title.isEmpty() ? 0 : 30;
        int bottom = note.isEmpty() ? 0 : 24;
        int width = 0;
        int height = 0;
        for (BufferedImage p : panels) {
            width = Math.max(width, p.getWidth());
            height += p.getHeight();
        }
        width = Math.max(Math.max(width, 240), (int) (Math.max(note.length(), title.length() * 1.2) * CHAR_PX) + 20);
        BufferedImage img = new BufferedImage(width, top + Math.max(height, 20) + bottom, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        if (!title.isEmpty()) {
            g.setFont(TITLE);
            g.drawString(title, 10, 20);
        }
        int y = top;
        for (BufferedImage p : panels) {
            g.drawImage(p, 0, y, null);
            y += p.getHeight();
        }
        if (!note.isEmpty()) {
            g.setFont(LABEL);
            g.setColor(Color.DARK_GRAY);
            g.drawString(note, 10, img.getHeight() - 8);
        }
        g.dispose();
        return img;
    }

    private static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode axis(JsonNode layout, String kind, String ref) {
        String suffix = ref.length() > 1 ? ref.substring(1) : "";
        return layout.path(kind + suffix);
    }

    private static String[] labels(JsonNode n, int count) {
        String[] out = new String[count];
        for (int i = 0; i < count; i++) out[i] = n.isArray() && i < n.size() ? n.get(i).asText() : String.valueOf(i);
        return out;
    }

    private static double[] values(JsonNode n) {
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) v[i] = n.get(i).asDouble();
        return v;
    }
}
