package org.rome4j.magics.display;

import com.fasterxml.jackson.databind.JsonNode;
import org.jfree.chart.renderer.PaintScale;

import java.awt.Color;
import java.awt.Paint;
import java.util.Locale;

/**
 * A Plotly colour scale ({@code [[t, colour], ...]} or one of the sequential names) as a JFreeChart
 * {@link PaintScale} over {@code [lower, upper]}, interpolated in RGB as plotly.js does.
 */
record ColorScale(double[] stops, Color[] colors, double lower, double upper) implements PaintScale {
    /** The scale of a heatmap trace's {@code colorscale} / {@code reversescale} over {@code [lower, upper]}. */
    static ColorScale of(JsonNode n, boolean reverse, double lower, double upper) {
        double[] st;
        Color[] cs;
        if (n.isArray() && n.size() >= 2) {
            st = new double[n.size()];
            cs = new Color[n.size()];
            for (int i = 0; i < n.size(); i++) {
                st[i] = n.get(i).get(0).asDouble();
                cs[i] = color(n.get(i).get(1).asText(), Color.BLACK);
            }
        } else {
            Color[] two = named(n.asText("Viridis"));
            st = new double[two.length];
            for (int i = 0; i < st.length; i++) st[i] = (double) i / (st.length - 1);
            cs = two;
        }
        if (reverse) {
            int k = st.length;
            double[] rs = new double[k];
            Color[] rc = new Color[k];
            for (int i = 0; i < k; i++) {
                rs[i] = 1 - st[k - 1 - i];
                rc[i] = cs[k - 1 - i];
            }
            st = rs;
            cs = rc;
        }
        return new ColorScale(st, cs, lower, upper == lower ? lower + 1 : upper);
    }

    private static Color[] named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "purples" -> new Color[] {new Color(252, 251, 253), new Color(63, 0, 125)};
            case "greens" -> new Color[] {new Color(247, 252, 245), new Color(0, 68, 27)};
            case "reds" -> new Color[] {new Color(255, 245, 240), new Color(103, 0, 13)};
            case "blues" -> new Color[] {new Color(247, 251, 255), new Color(8, 48, 107)};
            case "greys", "grays" -> new Color[] {Color.WHITE, Color.BLACK};
            default -> new Color[] {new Color(68, 1, 84), new Color(59, 82, 139), new Color(33, 145, 140),
                    new Color(94, 201, 98), new Color(253, 231, 37)};   // Viridis, plotly's default
        };
    }

    @Override
    public double getLowerBound() {
        return lower;
    }

    @Override
    public double getUpperBound() {
        return upper;
    }

    @Override
    public Paint getPaint(double value) {
        if (Double.isNaN(value)) return Color.WHITE;
        double t = Math.max(0, Math.min(1, (value - lower) / (upper - lower)));
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

    /** A CSS colour as Plotly writes them: {@code #rrggbb}, {@code rgb(...)}, {@code rgba(...)} or a few names. */
    static Color color(String s, Color fallback) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("#") && v.length() == 7) return new Color(Integer.parseInt(v.substring(1), 16));
            if (v.startsWith("rgb")) {
                String[] p = v.substring(v.indexOf('(') + 1, v.indexOf(')')).split(",");
                int alpha = p.length > 3 ? (int) Math.round(255 * Double.parseDouble(p[3].trim())) : 255;
                return new Color(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()), alpha);
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
