package org.rome4j.display;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Plotly figure as data: {@code {"data": [traces...], "layout": {...}}}, the JSON that
 * {@code Plotly.newPlot(div, fig.data, fig.layout)} and the {@code application/vnd.plotly.v1+json}
 * MIME type take. A value: the node is copied in and out, so nobody can change a figure after it is
 * built. Rendering (HTML, PNG, notebook display) happens in the layers above {@code core}.
 *
 * <p>Where Tablesaw-plotly can express the figure (line charts with bands, grouped bars), {@link #tablesaw()}
 * gives the same figure as a {@code tech.tablesaw.plotly.components.Figure}, for restyling with the
 * Tablesaw API. Heatmaps and side-by-side panels have none: tablesaw-jsplot 0.44.4's heatmap trace has
 * no colour scale, colour range or colour bar, and its layout has no second x axis or annotations.
 *
 * <pre>{@code
 * Figure f = traceResult.figure();
 * Files.writeString(Path.of("trace.json"), f.toJson());
 * }</pre>
 */
public final class Figure {
    static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode spec;
    private final Supplier<tech.tablesaw.plotly.components.Figure> tablesaw;

    private Figure(ObjectNode spec, Supplier<tech.tablesaw.plotly.components.Figure> tablesaw) {
        this.spec = spec;
        this.tablesaw = tablesaw;
    }

    /**
     * Wraps a copy of a Plotly spec.
     *
     * @throws IllegalArgumentException if it lacks an array {@code data} or an object {@code layout}
     */
    public static Figure of(ObjectNode spec) {
        return of(spec, null);
    }

    /**
     * Wraps a copy of a Plotly spec together with a builder of the same figure in Tablesaw-plotly.
     *
     * @param tablesaw builds a fresh Tablesaw-plotly figure on each call (they are mutable); null if none
     */
    public static Figure of(ObjectNode spec, Supplier<tech.tablesaw.plotly.components.Figure> tablesaw) {
        if (!spec.path("data").isArray() || !spec.path("layout").isObject()) {
            throw new IllegalArgumentException("a Plotly figure needs {\"data\": [...], \"layout\": {...}}, got keys "
                    + spec.fieldNames().next());
        }
        return new Figure(spec.deepCopy(), tablesaw);
    }

    /** The figure as a new Tablesaw-plotly figure, or empty where Tablesaw-plotly cannot express it (see the class doc). */
    public Optional<tech.tablesaw.plotly.components.Figure> tablesaw() {
        return tablesaw == null ? Optional.empty() : Optional.of(tablesaw.get());
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
