package org.rome4j.magics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.magics.display.Bundles;
import org.rome4j.model.Gpt;
import org.rome4j.model.GptConfig;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model {@code %load_model} made current: its hyper-parameters, and parameter counts per part.
 *
 * @param name       the model's name
 * @param source     what was asked for (name or directory)
 * @param config     hyper-parameters
 * @param partCounts parameter count per part (embeddings, each layer, final norm, head), in order
 * @param loadMillis time to load, ms
 * @param dtype      the type the weights are kept in (f32, bf16, f16)
 */
public record ModelInfo(String name, String source, GptConfig config, Map<String, Long> partCounts, long loadMillis,
                        String dtype) implements Result {
    /** Copies the counts. */
    public ModelInfo {
        partCounts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(partCounts));
    }

    /** Reads a loaded model. */
    public static ModelInfo of(Gpt gpt, String source, long loadMillis) {
        // parts by the family's own weight names: embeddings, each block, final norm, head
        Map<String, String> partOf = new java.util.HashMap<>();
        partOf.put(gpt.architecture().tokenEmbedding(), "embeddings");
        if (gpt.architecture().positionEmbedding() != null) partOf.put(gpt.architecture().positionEmbedding(), "embeddings");
        for (var block : gpt.blocks()) {
            for (var p : block.parameters()) partOf.put(p.name(), "layer " + block.layer());
        }
        String norm = gpt.architecture().finalNorm(gpt.config()).prefix();
        Map<String, Long> parts = new LinkedHashMap<>();
        gpt.parameters().all().forEach((n, a) -> {
            String part = partOf.getOrDefault(n, n.startsWith(norm + ".") ? "final norm" : "head");
            parts.merge(part, a.getShape().size(), Long::sum);
        });
        Map<String, Long> ordered = new LinkedHashMap<>();
        if (parts.containsKey("embeddings")) ordered.put("embeddings", parts.get("embeddings"));
        for (int i = 0; i < gpt.nLayer(); i++) {
            if (parts.containsKey("layer " + i)) ordered.put("layer " + i, parts.get("layer " + i));
        }
        parts.forEach(ordered::putIfAbsent);
        return new ModelInfo(gpt.name(), source, gpt.config(), ordered, loadMillis, gpt.parameters().type().label());
    }

    /** Total parameter count. */
    public long parameterCount() {
        return partCounts.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public Table table() {
        StringColumn k = StringColumn.create("property");
        StringColumn v = StringColumn.create("value");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("source", source);
        m.put("family", config.modelType());
        m.put("dtype", dtype);
        m.put("layers", config.nLayer());
        m.put("width", config.nEmbd());
        m.put("heads", config.nHead() == config.nKvHead() ? String.valueOf(config.nHead())
                : config.nHead() + " (" + config.nKvHead() + " kv)");
        m.put("mlp width", config.nInner());
        m.put("context", config.nPositions());
        m.put("vocabulary", config.vocabSize());
        m.put("parameters", parameterCount());
        m.forEach((a, b) -> {
            k.append(a);
            v.append(String.valueOf(b));
        });
        return Table.create("model " + name, k, v);
    }

    @Override
    public org.rome4j.display.Figure figure() {
        ObjectNode fig = Bundles.newFigure();
        ObjectNode bar = ((ArrayNode) fig.get("data")).addObject();
        bar.put("type", "bar");
        bar.put("name", "parameters");
        ArrayNode x = bar.putArray("x");
        ArrayNode y = bar.putArray("y");
        partCounts.forEach((p, c) -> {
            x.add(p);
            y.add(c);
        });
        ObjectNode layout = (ObjectNode) fig.get("layout");
        layout.putObject("title").put("text", "Parameters of " + name + " by part");
        layout.putObject("yaxis").putObject("title").put("text", "parameters");
        org.rome4j.display.Plots.fitWidth(layout, 360);
        return org.rome4j.display.Figure.of(fig);
    }

    /** Parameter counts per part as a table. */
    public Table parts() {
        StringColumn p = StringColumn.create("part");
        LongColumn c = LongColumn.create("parameters");
        partCounts.forEach((a, b) -> {
            p.append(a);
            c.append(b);
        });
        return Table.create("parameters", p, c);
    }

    /**
     * One line, not the chart and the table: every notebook starts with {@code %load_model}, and a reader wants to
     * know which model it is, not to scroll past its parameter counts. {@code table()}, {@code parts()} and
     * {@code figure()} show them on request ({@code display(info.figure())}).
     */
    @Override
    public java.util.List<org.rome4j.magics.display.MimeBundle> bundles(Bundles b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(org.rome4j.magics.display.MimeBundle.HTML, "<p>" + Bundles.escape(summary()) + "</p>");
        m.put(org.rome4j.magics.display.MimeBundle.TEXT, summary());
        return java.util.List.of(new org.rome4j.magics.display.MimeBundle(m));
    }

    @Override
    public String summary() {
        return "loaded " + name + " (" + config.modelType() + ", " + config.nLayer() + " layers, width " + config.nEmbd() + ", "
                + String.format(java.util.Locale.ROOT, "%,d", parameterCount()) + " parameters, " + dtype + ") in " + loadMillis + " ms";
    }

    @Override
    public String toString() {
        return summary();
    }
}
