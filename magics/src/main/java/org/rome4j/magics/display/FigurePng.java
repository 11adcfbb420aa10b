package org.rome4j.magics.display;

import com.fasterxml.jackson.databind.JsonNode;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A static PNG of a Plotly figure, drawn with java.awt (headless): each heatmap trace as a panel of
 * coloured cells with its row and column labels and a colour bar, side by side; bar traces as one
 * grouped bar chart. Other trace types are listed by name, not drawn. It is the fallback where
 * plotly.js does not run (GitHub, nbviewer, e-mail), so it shows the same numbers, simply.
 */
public final class FigurePng {
    private static final int CELL_H = 18;
    private static final int GAP = 36;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};

    private FigurePng() { }

    /** The PNG bytes of a figure. */
    public static byte[] render(JsonNode fig) {
        System.setProperty("java.awt.headless", "true");
        List<JsonNode> heatmaps = new ArrayList<>();
        List<JsonNode> bars = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode tr : fig.path("data")) {
            String type = tr.path("type").asText("scatter");
            if (type.equals("heatmap")) heatmaps.add(tr);
            else if (type.equals("bar")) bars.add(tr);
            else skipped.add(type);
        }
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(font);

        List<Panel> panels = new ArrayList<>();
        for (JsonNode h : heatmaps) panels.add(new HeatPanel(h, fig.path("layout"), fm));
        if (!bars.isEmpty()) panels.add(new BarPanel(bars, fig.path("layout"), fm));
        pg.dispose();

        String title = Bundles.titleText(fig.path("layout").path("title"));
        int top = title.isEmpty() ? 10 : 32;
        int width = 20;
        int height = 0;
        for (Panel p : panels) {
            width += p.width() + GAP;
            height = Math.max(height, p.height());
        }
        String note = skipped.isEmpty() ? "" : "not drawn in this static preview: " + String.join(", ", skipped) + " traces";
        width = Math.max(width, Math.max(240, fm.stringWidth(note) + 20));
        height = top + Math.max(height, 20) + (note.isEmpty() ? 10 : 30);

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        if (!title.isEmpty()) {
            g.setFont(titleFont);
            g.drawString(title, 10, 20);
        }
        g.setFont(font);
        int x = 10;
        for (Panel p : panels) {
            p.draw(g, x, top);
            x += p.width() + GAP;
        }
        if (!note.isEmpty()) {
            g.setColor(Color.DARK_GRAY);
            g.drawString(note, 10, height - 10);
        }
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Panel {
        int width();

        int height();

        void draw(Graphics2D g, int x0, int y0);
    }

    /** One heatmap: rows are y labels, columns x labels; row 0 on top when the y axis is reversed. */
    private static final class HeatPanel implements Panel {
        private final double[][] z;
        private final List<String> xs;
        private final List<String> ys;
        private final String name;
        private final String xTitle;
        private final Scale scale;
        private final double zmin;
        private final double zmax;
        private final boolean rowZeroTop;
        private final int labelW;
        private final int cellW;

        HeatPanel(JsonNode tr, JsonNode layout, FontMetrics fm) {
            JsonNode zn = tr.path("z");
            z = new double[zn.size()][];
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < zn.size(); r++) {
                z[r] = new double[zn.get(r).size()];
                for (int c = 0; c < z[r].length; c++) {
                    JsonNode v = zn.get(r).get(c);
                    z[r][c] = v == null || v.isNull() ? Double.NaN : v.asDouble();
                    if (!Double.isNaN(z[r][c])) {
                        lo = Math.min(lo, z[r][c]);
                        hi = Math.max(hi, z[r][c]);
                    }
                }
            }
            int cols = z.length == 0 ? 0 : z[0].length;
            xs = labels(tr.path("x"), cols);
            ys = labels(tr.path("y"), z.length);
            name = tr.path("name").asText("");
            String axis = tr.path("xaxis").asText("x");
            String yaxis = tr.path("yaxis").asText("y");
            JsonNode xa = layout.path(axis.equals("x") ? "xaxis" : "xaxis" + axis.substring(1));
            JsonNode ya = layout.path(yaxis.equals("y") ? "yaxis" : "yaxis" + yaxis.substring(1));
            xTitle = Bundles.titleText(xa.path("title"));
            rowZeroTop = "reversed".equals(ya.path("autorange").asText(""));
            zmin = tr.has("zmin") ? tr.get("zmin").asDouble() : (lo == Double.POSITIVE_INFINITY ? 0 : lo);
            zmax = tr.has("zmax") ? tr.get("zmax").asDouble() : (hi == Double.NEGATIVE_INFINITY ? 1 : hi);
            scale = Scale.of(tr.path("colorscale"), tr.path("reversescale").asBoolean(false));
            int w = 0;
            for (String y : ys) w = Math.max(w, fm.stringWidth(y));
            labelW = Math.min(w, 160) + 6;
            cellW = Math.max(10, Math.min(28, 320 / Math.max(1, cols)));
        }

        private int gridW() {
            return cellW * (z.length == 0 ? 0 : z[0].length);
        }

        @Override
        public int width() {
            return labelW + gridW() + 70;
        }

        @Override
        public int height() {
            return 20 + CELL_H * z.length + 40;
        }

        @Override
        public void draw(Graphics2D g, int x0, int y0) {
            FontMetrics fm = g.getFontMetrics();
            g.setColor(Color.BLACK);
            if (!name.isEmpty()) g.drawString(name, x0 + labelW, y0 + 12);
            int gx = x0 + labelW;
            int gy = y0 + 20;
            for (int r = 0; r < z.length; r++) {
                int row = rowZeroTop ? r : z.length - 1 - r;
                int yy = gy + r * CELL_H;
                for (int c = 0; c < z[row].length; c++) {
                    double v = z[row][c];
                    g.setColor(Double.isNaN(v) ? Color.LIGHT_GRAY : scale.at(zmax > zmin ? (v - zmin) / (zmax - zmin) : 0.5));
                    g.fillRect(gx + c * cellW, yy, cellW, CELL_H);
                }
                g.setColor(Color.BLACK);
                String label = clip(ys.get(row), fm, labelW - 6);
                g.drawString(label, gx - 4 - fm.stringWidth(label), yy + CELL_H - 5);
            }
            g.setColor(Color.GRAY);
            g.drawRect(gx, gy, gridW(), CELL_H * z.length);
            g.setColor(Color.BLACK);
            int cols = z.length == 0 ? 0 : z[0].length;
            int step = Math.max(1, (int) Math.ceil(cols * 24.0 / Math.max(1, gridW())));
            int by = gy + CELL_H * z.length;
            for (int c = 0; c < cols; c += step) {
                String s = clip(xs.get(c), fm, cellW * step);
                g.drawString(s, gx + c * cellW + (cellW - fm.stringWidth(s)) / 2, by + 13);
            }
            if (!xTitle.isEmpty()) g.drawString(xTitle, gx + (gridW() - fm.stringWidth(xTitle)) / 2, by + 30);
            // colour bar
            int cbx = gx + gridW() + 10;
            int cbh = Math.max(CELL_H * z.length, 40);
            for (int i = 0; i < cbh; i++) {
                g.setColor(scale.at(1.0 - i / (double) (cbh - 1)));
                g.fillRect(cbx, gy + i, 10, 1);
            }
            g.setColor(Color.BLACK);
            g.drawString(fmt(zmax), cbx + 13, gy + 9);
            g.drawString(fmt(zmin), cbx + 13, gy + cbh);
        }
    }

    /** Bar traces grouped per x category, with a legend. */
    private static final class BarPanel implements Panel {
        private final List<JsonNode> traces;
        private final List<String> cats;
        private final double max;
        private final double min;
        private final String xTitle;

        BarPanel(List<JsonNode> traces, JsonNode layout, FontMetrics fm) {
            this.traces = traces;
            int n = 0;
            for (JsonNode t : traces) n = Math.max(n, t.path("y").size());
            cats = labels(traces.get(0).path("x"), n);
            double hi = 0;
            double lo = 0;
            for (JsonNode t : traces) {
                for (JsonNode v : t.path("y")) {
                    hi = Math.max(hi, v.asDouble());
                    lo = Math.min(lo, v.asDouble());
                }
            }
            max = hi == lo ? lo + 1 : hi;
            min = lo;
            xTitle = Bundles.titleText(layout.path("xaxis").path("title"));
        }

        private int groupW() {
            return Math.max(12, traces.size() * 6 + 4);
        }

        @Override
        public int width() {
            return 50 + groupW() * cats.size() + 20;
        }

        @Override
        public int height() {
            return 220 + 16 * traces.size();
        }

        @Override
        public void draw(Graphics2D g, int x0, int y0) {
            FontMetrics fm = g.getFontMetrics();
            int ax = x0 + 45;
            int plotH = 170;
            int base = y0 + 10 + (int) (plotH * max / (max - min));
            g.setColor(Color.BLACK);
            g.drawString(fmt(max), x0, y0 + 20);
            g.drawString(fmt(min), x0, y0 + 10 + plotH);
            int bw = Math.max(2, (groupW() - 4) / traces.size());
            for (int t = 0; t < traces.size(); t++) {
                JsonNode tr = traces.get(t);
                String mc = tr.path("marker").path("color").asText("");
                g.setColor(mc.isEmpty() ? PALETTE[t % PALETTE.length] : Scale.parseColor(mc, PALETTE[t % PALETTE.length]));
                JsonNode ys = tr.path("y");
                for (int c = 0; c < ys.size(); c++) {
                    double v = ys.get(c).asDouble();
                    int h = (int) Math.round(plotH * Math.abs(v) / (max - min));
                    int xx = ax + c * groupW() + 2 + t * bw;
                    g.fillRect(xx, v >= 0 ? base - h : base, bw, h);
                }
                g.fillRect(ax, y0 + plotH + 46 + 16 * t, 10, 10);
                g.setColor(Color.BLACK);
                g.drawString(tr.path("name").asText("trace " + t), ax + 14, y0 + plotH + 55 + 16 * t);
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1));
            g.drawLine(ax, base, ax + groupW() * cats.size(), base);
            int step = Math.max(1, (int) Math.ceil(24.0 / groupW()));
            for (int c = 0; c < cats.size(); c += step) {
                String s = clip(cats.get(c), fm, groupW() * step);
                g.drawString(s, ax + c * groupW() + (groupW() - fm.stringWidth(s)) / 2, y0 + plotH + 24);
            }
            if (!xTitle.isEmpty()) g.drawString(xTitle, ax, y0 + plotH + 38);
        }
    }

    /** A colour scale: Plotly's named sequential scales used here, or an explicit [[t, colour], ...] list. */
    private record Scale(double[] stops, Color[] colors) {
        static Scale of(JsonNode n, boolean reverse) {
            Scale s;
            if (n.isArray() && n.size() >= 2) {
                double[] st = new double[n.size()];
                Color[] cs = new Color[n.size()];
                for (int i = 0; i < n.size(); i++) {
                    st[i] = n.get(i).get(0).asDouble();
                    cs[i] = parseColor(n.get(i).get(1).asText(), Color.BLACK);
                }
                s = new Scale(st, cs);
            } else {
                s = named(n.asText("Viridis"));
            }
            if (!reverse) return s;
            int k = s.stops.length;
            double[] st = new double[k];
            Color[] cs = new Color[k];
            for (int i = 0; i < k; i++) {
                st[i] = 1 - s.stops[k - 1 - i];
                cs[i] = s.colors[k - 1 - i];
            }
            return new Scale(st, cs);
        }

        static Scale named(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "purples" -> two(new Color(252, 251, 253), new Color(63, 0, 125));
                case "greens" -> two(new Color(247, 252, 245), new Color(0, 68, 27));
                case "reds" -> two(new Color(255, 245, 240), new Color(103, 0, 13));
                case "blues" -> two(new Color(247, 251, 255), new Color(8, 48, 107));
                case "greys", "grays" -> two(Color.WHITE, Color.BLACK);
                default -> new Scale(new double[]{0, 0.25, 0.5, 0.75, 1}, new Color[]{new Color(68, 1, 84),
                        new Color(59, 82, 139), new Color(33, 145, 140), new Color(94, 201, 98), new Color(253, 231, 37)});
            };
        }

        static Scale two(Color a, Color b) {
            return new Scale(new double[]{0, 1}, new Color[]{a, b});
        }

        Color at(double t) {
            t = Math.max(0, Math.min(1, t));
            for (int i = 1; i < stops.length; i++) {
                if (t <= stops[i]) {
                    double span = stops[i] - stops[i - 1];
                    double f = span <= 0 ? 1 : (t - stops[i - 1]) / span;
                    Color a = colors[i - 1];
                    Color b = colors[i];
                    return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                            (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                            (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
                }
            }
            return colors[colors.length - 1];
        }

        static Color parseColor(String s, Color fallback) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("#") && v.length() == 7) return new Color(Integer.parseInt(v.substring(1), 16));
                if (v.startsWith("rgb")) {
                    String[] p = v.substring(v.indexOf('(') + 1, v.indexOf(')')).split(",");
                    return new Color(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()));
                }
            } catch (RuntimeException e) {
                return fallback;
            }
            return switch (v) {
                case "red" -> Color.RED;
                case "green" -> new Color(0, 128, 0);
                case "blue" -> Color.BLUE;
                case "purple" -> new Color(128, 0, 128);
                case "black" -> Color.BLACK;
                case "gray", "grey" -> Color.GRAY;
                default -> fallback;
            };
        }
    }

    private static List<String> labels(JsonNode n, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(n.isArray() && i < n.size() ? n.get(i).asText() : String.valueOf(i));
        }
        return out;
    }

    private static String clip(String s, FontMetrics fm, int w) {
        if (fm.stringWidth(s) <= w) return s;
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "…") > w) t = t.substring(0, t.length() - 1);
        return t + "…";
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) return String.valueOf((long) v);
        return String.format(Locale.ROOT, Math.abs(v) >= 0.01 || v == 0 ? "%.3f" : "%.2e", v);
    }
}
