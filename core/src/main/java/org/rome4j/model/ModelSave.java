package org.rome4j.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.io.Outputs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Saving a (possibly edited) model as a new HF folder: never into or around the folder it was loaded
 * from, an existing folder only with {@code --overwrite}, written under a temporary name and moved into
 * place, and with every key of the source's {@code config.json} that the save does not own kept as it
 * was ({@code bos_token_id}, {@code summary_*}, dropout values, ...).
 */
public final class ModelSave {
    /** Keys the save sets itself: the shapes of the weights it writes and their dtype (always F32). */
    static final Set<String> OWNED = Set.of("n_layer", "n_embd", "n_head", "n_inner", "n_positions", "n_ctx", "vocab_size",
            "torch_dtype");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelSave() { }

    /**
     * Writes {@code gpt} to {@code dir}.
     *
     * @param source    the folder the model was loaded from (its config.json is kept); null when unknown
     * @param overwrite whether an existing model folder at {@code dir} may be replaced
     * @throws IllegalArgumentException when {@code dir} is, contains or lies inside {@code source}, or exists without overwrite
     */
    public static void save(Gpt gpt, Path dir, Path source, boolean overwrite) throws IOException {
        check(dir, source, overwrite);
        Outputs.folder(dir, overwrite, "--overwrite", d -> Files.isRegularFile(d.resolve("config.json")), "model (config.json)", tmp -> {
            gpt.save(tmp);
            if (source != null) keepSourceConfig(tmp.resolve("config.json"), source.resolve("config.json"));
        });
    }

    /** The checks of {@link #save} alone, to refuse before the model loads and the edit runs rather than after. */
    public static void check(Path dir, Path source, boolean overwrite) throws IOException {
        if (source != null && Outputs.overlaps(dir, source)) {
            throw new IllegalArgumentException("refusing to write " + dir + ": it is (or overlaps) the folder the model was loaded from ("
                    + source + "); save the edited model to a new folder");
        }
        Outputs.checkFolder(dir, overwrite, "--overwrite", d -> Files.isRegularFile(d.resolve("config.json")), "model (config.json)");
    }

    /** The source's config.json with the keys the save owns taken from what was written. */
    static void keepSourceConfig(Path written, Path sourceConfig) throws IOException {
        if (!Files.isRegularFile(sourceConfig)) return;
        ObjectNode ours = (ObjectNode) JSON.readTree(written.toFile());
        ObjectNode merged = (ObjectNode) JSON.readTree(sourceConfig.toFile());
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = ours.fields(); it.hasNext(); ) {
            Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
            if (OWNED.contains(e.getKey()) || !merged.has(e.getKey())) merged.set(e.getKey(), e.getValue());
        }
        if (merged.has("torch_dtype")) merged.put("torch_dtype", "float32");
        JSON.writeValue(written.toFile(), merged);
    }
}
