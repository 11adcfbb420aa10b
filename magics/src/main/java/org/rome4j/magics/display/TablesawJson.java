package org.rome4j.magics.display;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Plotly figure back out of the JavaScript tablesaw-jsplot writes ({@code var layout = {...};
 * var trace0 = {...}; var data = [trace0, ...]; Plotly.newPlot(...)}): its objects are JavaScript literals
 * (bare keys, single quotes, trailing commas), which a lenient JSON reader takes. Titles, which Tablesaw
 * writes as strings and plotly.js 3 ignores, become {@code {"text": ...}}; its width (Tablesaw writes 800 px when
 * none is set) is dropped, so the figure fits the output area.
 */
final class TablesawJson {
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_SINGLE_QUOTES,
                    JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
                    JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .build();
    private static final Pattern DATA = Pattern.compile("var\\s+data\\s*=\\s*\\[([^\\]]*)\\]");

    private TablesawJson() { }

    /** The figure as {@code {data, layout}}, or null where the script is not plain data. */
    static ObjectNode read(String js) {
        try {
            ObjectNode layout = object(js, "layout");
            Matcher m = DATA.matcher(js);
            if (layout == null || !m.find()) return null;
            ObjectNode fig = LENIENT.createObjectNode();
            ArrayNode data = fig.putArray("data");
            for (String name : m.group(1).split(",")) {
                if (name.isBlank()) continue;
                ObjectNode tr = object(js, name.strip());
                if (tr == null) return null;
                numbers(tr, "x");
                numbers(tr, "y");
                data.add(tr);
            }
            titles(layout);
            layout.remove("width");   // Tablesaw always writes one (800 by default): the figure takes the output area's
            layout.put("autosize", true);
            fig.set("layout", layout);
            return fig;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The object literal assigned by {@code var NAME = {...}}, or null. */
    private static ObjectNode object(String js, String name) throws IOException {
        Matcher m = Pattern.compile("var\\s+" + Pattern.quote(name) + "\\s*=\\s*\\{").matcher(js);
        if (!m.find()) return null;
        try (JsonParser p = LENIENT.createParser(js.substring(m.end() - 1))) {
            JsonNode n = LENIENT.readTree(p);
            return n instanceof ObjectNode o ? o : null;
        }
    }

    /** Tablesaw quotes every number of a data array ({@code ['0.1', ...]}): numbers again, so axes are numeric. */
    private static void numbers(ObjectNode trace, String key) {
        if (!(trace.get(key) instanceof ArrayNode a)) return;
        ArrayNode out = LENIENT.createArrayNode();
        for (JsonNode v : a) {
            if (!v.isTextual()) return;
            try {
                out.add(Double.parseDouble(v.asText()));
            } catch (NumberFormatException e) {
                return;   // categories stay text
            }
        }
        trace.set(key, out);
    }

    /** Layout and axis titles given as strings become {@code {"text": ...}}. */
    private static void titles(ObjectNode layout) {
        text(layout);
        for (Iterator<Map.Entry<String, JsonNode>> it = layout.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().matches("[xyz]axis[0-9]*") && e.getValue() instanceof ObjectNode axis) text(axis);
        }
    }

    private static void text(ObjectNode o) {
        if (o.path("title").isTextual()) {
            String t = o.get("title").asText();
            o.putObject("title").put("text", t);
        }
    }
}
