package org.rome4j.magics.display;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Renders values to MIME bundles. Holds one piece of state: whether plotly.js was already sent to
 * this kernel's front end, so the 1.5 MB library is inlined into the first figure only.
 */
public final class Bundles {
    /** Tables up to this many rows are shown whole. */
    public static final int MAX_ROWS = 20;
    /** Rows a longer table shows before its row count (the value keeps every row). */
    public static final int HEAD_ROWS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLOTLY_RESOURCE = "/org/rome4j/magics/plotly/plotly-cartesian.min.js";

    private boolean plotlySent;

    /**
     * The bundles of a value we know how to show ({@link Displayable}, Tablesaw {@link Table}, a
     * Tablesaw-plotly figure, a Plotly figure as {@code {data, layout}} JSON), or null for anything else.
     */
    public List<MimeBundle> render(Object value) {
        if (value instanceof Displayable d) {
            return d.bundles(this);
        }
        if (value instanceof org.rome4j.display.Figure f) {
            return List.of(figure(f.toObjectNode()));
        }
        if (value instanceof Table t) {
            return List.of(table(t));
        }
        if (value instanceof tech.tablesaw.plotly.components.Figure f) {
            return List.of(tablesawFigure(f));
        }
        if (value instanceof JsonNode n && isFigure(n)) {
            return List.of(figure(n));
        }
        return null;
    }

    /** Whether a JSON value looks like a Plotly figure ({@code data} array). */
    public static boolean isFigure(JsonNode n) {
        return n != null && n.isObject() && n.path("data").isArray();
    }

    /**
     * A table as HTML and text, as a reader wants it: numbers rounded ({@link ReadableNumbers}), and a
     * table longer than {@value #MAX_ROWS} rows cut to its first {@value #HEAD_ROWS} and a row count.
     */
    public MimeBundle table(Table t) {
        int rows = t.rowCount() > MAX_ROWS ? HEAD_ROWS : t.rowCount();
        Table shown = ReadableNumbers.forDisplay(t, rows);
        String more = t.rowCount() > rows ? "\n... " + rowCount(t) : "";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MimeBundle.HTML, tableHtml(shown, t.rowCount()));
        m.put(MimeBundle.TEXT, shown.print() + more);
        return new MimeBundle(m);
    }

    private static String rowCount(Table t) {
        return t.rowCount() + " rows in all; table() keeps every row";
    }

    /** An HTML table of {@code shown} (a display copy), text escaped, with the full table's row count when cut. */
    static String tableHtml(Table shown, int totalRows) {
        StringBuilder sb = new StringBuilder("<div class=\"rome4j-table\">");
        if (shown.name() != null && !shown.name().isBlank()) {
            sb.append("<p><b>").append(escape(shown.name())).append("</b></p>");
        }
        sb.append("<table class=\"dataframe\" border=\"1\"><thead><tr>");
        for (String c : shown.columnNames()) sb.append("<th>").append(escape(c)).append("</th>");
        sb.append("</tr></thead><tbody>");
        for (int r = 0; r < shown.rowCount(); r++) {
            sb.append("<tr>");
            for (int c = 0; c < shown.columnCount(); c++) {
                sb.append("<td>").append(escape(shown.column(c).getString(r))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        if (totalRows > shown.rowCount()) {
            sb.append("<p>first ").append(shown.rowCount()).append(" of ").append(totalRows)
                    .append(" rows; <code>table()</code> keeps every row</p>");
        }
        return sb.append("</div>").toString();
    }

    /**
     * A Plotly figure as one bundle: plotly JSON, HTML (a static PNG the script replaces with the
     * interactive figure once {@code window.Plotly} exists) and a one-line text. Numbers that are not finite
     * (a confidence band of one fact) are written as null, a gap, since JSON has no NaN.
     *
     * <p>No top-level {@code image/png}: jupyterlab-plotly shows a bundle's PNG in place of the figure and
     * builds the interactive one only on mouse-over, so the static picture lives inside the HTML (what
     * GitHub, nbviewer and a front end without JavaScript show) and in {@link #png}.
     */
    public MimeBundle figure(JsonNode fig) {
        if (!isFigure(fig)) {
            throw new IllegalArgumentException("not a Plotly figure: expected an object with a data array, got "
                    + (fig == null ? "null" : fig.getNodeType()));
        }
        JsonNode clean = finite(fig);
        String b64 = Base64.getEncoder().encodeToString(StaticPng.render(clean));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MimeBundle.PLOTLY, JSON.convertValue(clean, Map.class));
        m.put(MimeBundle.HTML, figureHtml(clean, b64));
        m.put(MimeBundle.TEXT, describe(clean));
        return new MimeBundle(m);
    }

    /** The static picture of a figure, base64 PNG (as the HTML's fallback image carries it). */
    public static String png(JsonNode fig) {
        return Base64.getEncoder().encodeToString(StaticPng.render(finite(fig)));
    }

    /** A copy of a JSON tree with every NaN or infinite number replaced by null (JSON has no NaN; plotly draws a gap). */
    public static JsonNode finite(JsonNode n) {
        if (n.isNumber() && !Double.isFinite(n.asDouble())) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        if (n.isObject()) {
            ObjectNode o = JSON.createObjectNode();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), finite(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = JSON.createArrayNode();
            n.forEach(v -> a.add(finite(v)));
            return a;
        }
        return n;
    }

    /**
     * A Tablesaw-plotly figure as the same bundle as {@link #figure}, read back from the JavaScript Tablesaw
     * writes (so JupyterLab with jupyterlab-plotly and VS Code, which take the plotly JSON and never run the
     * HTML, draw it too, and the page gets plotly.js from the first figure whichever form the front end picks).
     * A figure whose JavaScript is not plain data (an event handler) falls back to HTML and text, drawn by the
     * offline plotly.js with Tablesaw's string titles given as {@code {text: ...}}.
     */
    public MimeBundle tablesawFigure(tech.tablesaw.plotly.components.Figure f) {
        String id = "rome4j_tsfig_" + UUID.randomUUID().toString().replace("-", "");   // also a JS name: target_<id>
        String js = f.asJavascript(id);
        ObjectNode spec = TablesawJson.read(js);
        if (spec != null) {
            return figure(spec);
        }
        String body = js.substring(js.indexOf("<script>") + "<script>".length(), js.lastIndexOf("</script>"));
        String title = f.getLayout() == null || f.getLayout().getTitle() == null ? "" : f.getLayout().getTitle();
        String text = "Tablesaw-plotly figure" + (title.isEmpty() ? "" : " '" + title + "'") + ": " + f.getTraces().length
                + " traces";
        String html = plotlyScriptOnce() + f.divString(id) + "\n<script type=\"text/javascript\">(function () {\n"
                + "  var tries = 0;\n"
                + "  function draw() {\n"
                + "    if (!window.Plotly || !window.Plotly.newPlot) { if (tries++ < 600) { setTimeout(draw, 50); } return; }\n"
                // tablesaw-jsplot writes titles as strings, which plotly.js 3+ ignores: pass them as {text: ...}
                + "    var Plotly = {newPlot: function (el, data, layout, config) {\n"
                + "      function text(o) { if (o && typeof o.title === 'string') { o.title = {text: o.title}; } }\n"
                + "      text(layout);\n"
                + "      Object.keys(layout || {}).forEach(function (k) { if (/^[xyz]axis[0-9]*$/.test(k)) { text(layout[k]); } });\n"
                + "      return window.Plotly.newPlot(el, data, layout, config);\n"
                + "    }};\n"
                + body + "\n"
                + "  }\n"
                + "  draw();\n"
                + "})();</script>";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MimeBundle.HTML, html);
        m.put(MimeBundle.TEXT, text);
        return new MimeBundle(m);
    }

    /** Whether the next figure still has to carry plotly.js. */
    public synchronized boolean plotlyPending() {
        return !plotlySent;
    }

    private synchronized String plotlyScriptOnce() {
        if (plotlySent) {
            return "";
        }
        plotlySent = true;
        // RequireJS (classic Notebook) would capture plotly's UMD module instead of window.Plotly: hide define.
        return "<script type=\"text/javascript\">window.__rome4jDefine = window.define; window.define = undefined;</script>\n"
                + "<script type=\"text/javascript\">" + scriptSafe(plotlyJs()) + "</script>\n"
                + "<script type=\"text/javascript\">if (window.__rome4jDefine) { window.define = window.__rome4jDefine; }</script>\n";
    }

    /** The vendored plotly.js (cartesian bundle), read from the jar. */
    public static String plotlyJs() {
        try (InputStream in = Bundles.class.getResourceAsStream(PLOTLY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("plotly.js missing from the classpath (" + PLOTLY_RESOURCE + "): rebuild rome4j");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String figureHtml(JsonNode fig, String pngBase64) {
        String id = "rome4j-fig-" + UUID.randomUUID();
        String json;
        try {
            json = JSON.writeValueAsString(fig);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String alt = escape(describe(fig));
        return plotlyScriptOnce()
                + "<div class=\"rome4j-figure\" id=\"" + id + "\" style=\"width:100%;max-width:100%\"><img alt=\"" + alt
                + "\" src=\"data:image/png;base64," + pngBase64 + "\" style=\"max-width:100%\"/></div>\n"
                + "<script type=\"text/javascript\">(function () {\n"
                + "  var fig = " + scriptSafe(json) + ";\n"
                + "  var tries = 0;\n"
                + "  function draw() {\n"
                + "    var el = document.getElementById(\"" + id + "\");\n"
                + "    if (!el) { return; }\n"
                + "    if (window.Plotly && window.Plotly.newPlot) {\n"
                + "      el.innerHTML = \"\";\n"
                + "      window.Plotly.newPlot(el, fig.data, fig.layout || {}, {displaylogo: false, responsive: true});\n"
                + "    } else if (tries++ < 600) { setTimeout(draw, 50); }\n"
                + "  }\n"
                + "  draw();\n"
                + "})();</script>";
    }

    /** A short text for a figure: its title and traces. */
    public static String describe(JsonNode fig) {
        String title = titleText(fig.path("layout").path("title"));
        List<String> traces = new ArrayList<>();
        for (JsonNode tr : fig.path("data")) {
            String type = tr.path("type").asText("scatter");
            JsonNode z = tr.path("z");
            String size = z.isArray() && z.size() > 0 ? " " + z.size() + "x" + z.get(0).size() : "";
            String name = tr.path("name").asText("");
            traces.add(type + size + (name.isEmpty() ? "" : " '" + name + "'"));
        }
        return "Figure" + (title.isEmpty() ? "" : " '" + title + "'") + ": " + String.join(", ", traces);
    }

    /** A Plotly title, given as {@code {text: ...}} or a plain string. */
    static String titleText(JsonNode title) {
        if (title == null || title.isMissingNode() || title.isNull()) return "";
        return title.isObject() ? title.path("text").asText("") : title.asText("");
    }

    /** Escapes text for HTML. */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Makes text safe inside a {@code <script>} element: no {@code </} (closes the element) and no line separators. */
    public static String scriptSafe(String js) {
        return js.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
                .replace("<!--", "<\\!--");
    }

    /** Makes a figure from {@code data} traces and a {@code layout} (helper for results built here). */
    public static ObjectNode newFigure() {
        ObjectNode fig = JSON.createObjectNode();
        fig.putArray("data");
        fig.putObject("layout");
        return fig;
    }
}
