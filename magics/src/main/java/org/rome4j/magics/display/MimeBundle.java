package org.rome4j.magics.display;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One output: MIME type → data (a {@code String} for text types and base64 images, plain
 * {@code Map}/{@code List} values for JSON types), in the order a front end should prefer them.
 */
public record MimeBundle(Map<String, Object> data) {
    /** Plotly's JSON MIME type (JupyterLab, VS Code). */
    public static final String PLOTLY = "application/vnd.plotly.v1+json";
    /** HTML. */
    public static final String HTML = "text/html";
    /** PNG, base64. */
    public static final String PNG = "image/png";
    /** Plain text. */
    public static final String TEXT = "text/plain";

    /** Copies the map, keeping its order. */
    public MimeBundle {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** A text-only bundle. */
    public static MimeBundle text(String text) {
        return new MimeBundle(Map.of(TEXT, text));
    }

    /** The data for a MIME type, or null. */
    public Object get(String mime) {
        return data.get(mime);
    }

    /** The text/plain data, or "". */
    public String plain() {
        Object t = data.get(TEXT);
        return t == null ? "" : t.toString();
    }
}
