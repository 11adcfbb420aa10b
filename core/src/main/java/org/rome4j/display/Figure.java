package org.rome4j.display;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Plotly figure as data: {@code {"data": [traces...], "layout": {...}}}, the JSON that
 * {@code Plotly.newPlot(div, fig.data, fig.layout)} and the {@code application/vnd.plotly.v1+json}
 * MIME type take. A value: the node is copied in and out, so nobody can change a figure after it is
 * built. Rendering (HTML, PNG, notebook display) happens in the layers above {@code core}.
 *
 * <pre>{@code
 * Figure f = traceResult.figure();
 * Files.writeString(Path.of("trace.json"), f.toJson());
 * }</pre>
 */
public final class Figure {
    static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode spec;

    private Figure(ObjectNode spec) {
        this.spec = spec;
    }

    /**
     * Wraps a copy of a Plotly spec.
     *
     * @throws IllegalArgumentException if it lacks an array {@code data} or an object {@code layout}
     */
    public static Figure of(ObjectNode spec) {
        if (!spec.path("data").isArray() || !spec.path("layout").isObject()) {
            throw new IllegalArgumentException("a Plotly figure needs {\"data\": [...], \"layout\": {...}}, got keys "
                    + spec.fieldNames().next());
        }
        return new Figure(spec.deepCopy());
    }

    /** Parses Plotly JSON. */
    public static Figure parse(String json) throws JsonProcessingException {
        return of((ObjectNode) JSON.readTree(json));
    }

    /** A copy of the spec. */
    public ObjectNode toObjectNode() {
        return spec.deepCopy();
    }

    /** The spec as compact JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The title text, or "". */
    public String title() {
        return spec.path("layout").path("title").path("text").asText("");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Figure f && f.spec.equals(spec);
    }

    @Override
    public int hashCode() {
        return spec.hashCode();
    }

    @Override
    public String toString() {
        return "Figure[" + title() + ", " + spec.path("data").size() + " traces]";
    }
}
