package org.rome4j.display;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Line;
import tech.tablesaw.plotly.components.Marker;
import tech.tablesaw.plotly.components.TickSettings;
import tech.tablesaw.plotly.traces.BarTrace;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

import java.util.ArrayList;

import java.util.List;
import java.util.Map;

/**
 * Builders of the Plotly figures rome4j draws: heatmaps (causal traces), line charts with confidence
 * bands (dataset averages, frozen-path traces) and grouped bars. Titles are {@code {"text": ...}}
 * objects, as current Plotly expects.
 */
public final class Plots {
    /**
     * ColorBrewer sequential scales (9 classes), light to dark, so darker always means more probability; plotly.js
     * lacks Purples and its named Greens and Blues run dark to light.
     */
    private static final Map<String, String[]> SCALES = Map.of(
            "Blues", new String[] {"#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"},
            "Purples", new String[] {"#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d"},
            "Greens", new String[] {"#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#006d2c", "#00441b"},
            "Reds", new String[] {"#fff5f0", "#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d", "#a50f15", "#67000d"});
    /** The dark end of each scale, for lines. */
    private static final Map<String, String> LINE = Map.of("Purples", "#6a51a3", "Greens", "#238b45", "Reds", "#cb181d",
            "Blues", "#2171b5");
    /** Pixels per heatmap row: a 12px token label each, so plotly never thins them out. */
    public static final int ROW_PX = 24;
    /** A heatmap's height beyond its rows: title, x-axis ticks and title. */
    public static final int HEATMAP_CHROME_PX = 150;

    private Plots() { }

    /** A Plotly colorscale array for Purples, Greens, Reds or Blues, light to dark. */
    public static ArrayNode colorScale(String name) {
        String[] c = SCALES.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown colour scale " + name + ": use " + SCALES.keySet());
        }
        ArrayNode a = Figure.JSON.createArrayNode();
        for (int i = 0; i < c.length; i++) {
            a.addArray().add((double) i / (c.length - 1)).add(c[i]);
        }
        return a;
    }

    /** A solid colour from a scale's dark end, for lines and bars. */
    public static String lineColor(String scale) {
        return LINE.getOrDefault(scale, "#444444");
    }

    /** {@code {"text": text}}. */
    public static ObjectNode text(String text) {
        return Figure.JSON.createObjectNode().put("text", text);
    }

    /**
     * A heatmap: {@code z[i][j]} at row label {@code y[i]} (first row on top) and column label {@code x[j]}.
     *
     * @param zmin colour minimum (a causal trace uses its low score), NaN for automatic
     */
    public static Figure heatmap(String title, String xTitle, String yTitle, List<String> x, List<String> y, double[][] z,
                                 String colorScale, double zmin, String colorbarTitle) {
        ObjectNode fig = Figure.JSON.createObjectNode();
        ObjectNode tr = fig.putArray("data").addObject();
        tr.put("type", "heatmap");
        ArrayNode zs = tr.putArray("z");
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : z) {
            ArrayNode r = zs.addArray();
            for (double v : row) {
                r.add(v);
                max = Math.max(max, v);
            }
        }
        ArrayNode xs = tr.putArray("x");
        x.forEach(xs::add);
        ArrayNode ys = tr.putArray("y");
        y.forEach(ys::add);
        tr.set("colorscale", colorScale(colorScale));
        if (!Double.isNaN(zmin)) {
            tr.put("zmin", zmin);
            tr.put("zmax", Math.max(max, zmin));
        }
        colorbar(tr, colorbarTitle);
        tr.put("hovertemplate", "%{y}<br>layer %{x}<br>%{z:.4f}<extra></extra>");
        ObjectNode layout = fig.putObject("layout");
        layout.set("title", text(title));
        fitWidth(layout, HEATMAP_CHROME_PX + ROW_PX * y.size());
        ObjectNode xa = layout.putObject("xaxis");
        xa.set("title", text(xTitle));
        categoryTicks(xa);
        ObjectNode ya = layout.putObject("yaxis");
        ya.set("title", text(yTitle));
        categoryTicks(ya);
        ya.put("autorange", "reversed");
        ya.put("automargin", true);   // long token labels widen the margin instead of being cut
        return Figure.of(fig);
    }

    /**
     * No fixed width: the figure takes its output area's width (JupyterLab, Notebook 7 and VS Code differ, and a
     * fixed width wider than the area hides panels behind a scrollbar); only the height, which the rows need, is set.
     */
    public static void fitWidth(ObjectNode layout, int height) {
        layout.put("autosize", true);
        layout.put("height", Math.max(260, height));
        layout.remove("width");
    }

    /** A categorical axis that labels every category (layers and tokens are whole, each gets its tick). */
    public static void categoryTicks(ObjectNode axis) {
        axis.put("type", "category");
        axis.put("tickmode", "linear").put("tick0", 0).put("dtick", 1);
    }

    /** A colour bar whose title runs along the bar, so it never reaches into a neighbouring title or panel. */
    public static ObjectNode colorbar(ObjectNode trace, String title) {
        ObjectNode cb = trace.putObject("colorbar");
        cb.putObject("title").put("text", title).put("side", "right");
        cb.put("thickness", 12);
        return cb;
    }

    /** One line of a {@link #lines} chart, with an optional band [lower, upper] (e.g. a 95% confidence interval). */
    public record Series(String name, double[] x, double[] y, double[] lower, double[] upper, String color) {
        /** A line without a band. */
        public static Series of(String name, double[] x, double[] y, String color) {
            return new Series(name, x, y, null, null, color);
        }
    }

    /**
     * Lines over a shared numeric x axis; bands are drawn as filled areas behind their line. When every
     * x is a whole number (layers), ticks sit on whole numbers only.
     */
    public static Figure lines(String title, String xTitle, String yTitle, List<Series> series) {
        ObjectNode fig = Figure.JSON.createObjectNode();
        ArrayNode data = fig.putArray("data");
        for (Series s : series) {
            if (s.lower() != null && s.upper() != null) {
                ObjectNode lo = data.addObject();
                lo.put("type", "scatter").put("mode", "lines").put("name", s.name() + " (95% CI low)").put("showlegend", false);
                put(lo.putArray("x"), s.x());
                put(lo.putArray("y"), s.lower());
                lo.putObject("line").put("width", 0).put("color", s.color());
                lo.put("hoverinfo", "skip");
                ObjectNode hi = data.addObject();
                hi.put("type", "scatter").put("mode", "lines").put("name", s.name() + " (95% CI)").put("showlegend", false);
                put(hi.putArray("x"), s.x());
                put(hi.putArray("y"), s.upper());
                hi.putObject("line").put("width", 0).put("color", s.color());
                hi.put("fill", "tonexty").put("fillcolor", translucent(s.color())).put("hoverinfo", "skip");
            }
            ObjectNode ln = data.addObject();
            ln.put("type", "scatter").put("mode", "lines+markers").put("name", s.name());
            put(ln.putArray("x"), s.x());
            put(ln.putArray("y"), s.y());
            ln.putObject("line").put("color", s.color());
        }
        ObjectNode layout = fig.putObject("layout");
        layout.set("title", text(title));
        fitWidth(layout, 400);
        ObjectNode xa = layout.putObject("xaxis");
        xa.set("title", text(xTitle));
        int dtick = integerTickStep(series);
        if (dtick > 0) {
            xa.put("tick0", 0).put("dtick", dtick);
        }
        layout.putObject("yaxis").set("title", text(yTitle));
        List<Series> copy = List.copyOf(series);
        return Figure.of(fig, () -> tablesawLines(title, xTitle, yTitle, copy, dtick));
    }

    /** The step between whole-number ticks (about ten ticks), or 0 if some x is not a whole number. */
    static int integerTickStep(List<Series> series) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double x : s.x()) {
                if (x != Math.rint(x)) return 0;
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        return hi < lo ? 0 : Math.max(1, (int) Math.ceil((hi - lo) / 12));
    }

    private static tech.tablesaw.plotly.components.Figure tablesawLines(String title, String xTitle, String yTitle,
                                                                         List<Series> series, int dtick) {
        List<Trace> traces = new ArrayList<>();
        for (Series s : series) {
            if (s.lower() != null && s.upper() != null) {
                Line none = Line.builder().width(0).color(s.color()).build();
                traces.add(ScatterTrace.builder(s.x(), s.lower()).mode(ScatterTrace.Mode.LINE)
                        .name(s.name() + " (95% CI low)").showLegend(false).line(none).build());
                traces.add(ScatterTrace.builder(s.x(), s.upper()).mode(ScatterTrace.Mode.LINE)
                        .name(s.name() + " (95% CI)").showLegend(false).line(none)
                        .fill(ScatterTrace.Fill.TO_NEXT_Y).fillColor(translucent(s.color())).build());
            }
            traces.add(ScatterTrace.builder(s.x(), s.y()).mode(ScatterTrace.Mode.LINE_AND_MARKERS).name(s.name())
                    .line(Line.builder().color(s.color()).build()).build());
        }
        Axis.AxisBuilder x = Axis.builder().title(xTitle);
        if (dtick > 0) {
            x.tickSettings(TickSettings.builder().tick0(0).dTick(dtick).build());
        }
        Layout layout = Layout.builder(title).autosize(true).height(400)   // no width: it takes the output area's
                .xAxis(x.build()).yAxis(Axis.builder().title(yTitle).build()).build();
        return new tech.tablesaw.plotly.components.Figure(layout, traces.toArray(Trace[]::new));
    }

    /** Grouped bars: one bar per (series, category). */
    public static Figure bars(String title, String xTitle, String yTitle, List<String> categories, List<String> names,
                              List<double[]> values, List<String> colors) {
        ObjectNode fig = Figure.JSON.createObjectNode();
        ArrayNode data = fig.putArray("data");
        for (int i = 0; i < names.size(); i++) {
            ObjectNode b = data.addObject();
            b.put("type", "bar").put("name", names.get(i));
            ArrayNode x = b.putArray("x");
            categories.forEach(x::add);
            put(b.putArray("y"), values.get(i));
            b.putObject("marker").put("color", colors.get(i));
        }
        ObjectNode layout = fig.putObject("layout");
        layout.set("title", text(title));
        layout.put("barmode", "group");
        fitWidth(layout, 400);
        ObjectNode bx = layout.putObject("xaxis");
        bx.set("title", text(xTitle));
        categoryTicks(bx);   // every layer (or score) labelled, not every other one
        layout.putObject("yaxis").set("title", text(yTitle));
        List<String> cats = List.copyOf(categories);
        List<String> ns = List.copyOf(names);
        List<double[]> vs = List.copyOf(values);
        List<String> cs = List.copyOf(colors);
        return Figure.of(fig, () -> {
            Trace[] traces = new Trace[ns.size()];
            for (int i = 0; i < traces.length; i++) {
                traces[i] = BarTrace.builder(cats.toArray(), vs.get(i)).name(ns.get(i))
                        .marker(Marker.builder().color(cs.get(i)).build()).build();
            }
            Layout tl = Layout.builder(title).autosize(true).height(400).barMode(Layout.BarMode.GROUP)
                    .xAxis(Axis.builder().title(xTitle).build()).yAxis(Axis.builder().title(yTitle).build()).build();
            return new tech.tablesaw.plotly.components.Figure(tl, traces);
        });
    }

    private static void put(ArrayNode a, double[] v) {
        for (double d : v) a.add(d);
    }

    private static String translucent(String hex) {
        int r = Integer.parseInt(hex.substring(1, 3), 16);
        int g = Integer.parseInt(hex.substring(3, 5), 16);
        int b = Integer.parseInt(hex.substring(5, 7), 16);
        return "rgba(" + r + "," + g + "," + b + ",0.2)";
    }
}
