package org.rome4j.rome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rome4j.model.Generator;
import org.rome4j.model.Gpt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The prefixes ROME averages over: {@code "{}"} plus short texts sampled from the model, each followed by
 * {@code ". {}"} ({@code rome_main.get_context_templates}).
 */
public final class ContextTemplates {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ContextTemplates() { }

    /**
     * Samples templates as the original does: for each (length, count) pair, {@code count} texts of
     * {@code length - 1} new tokens (its {@code max_out_len} counts the prompt token) by top-5 sampling
     * from {@code <|endoftext|>}; braces are removed and {@code ". {}"} appended. Seeded: the same seed
     * gives the same templates.
     */
    public static List<String> generate(Gpt gpt, List<int[]> lengthParams, long seed) {
        List<String> out = new ArrayList<>();
        out.add("{}");
        long eos = gpt.tokenizer().padId();
        int k = 0;
        for (int[] p : lengthParams) {
            int length = p[0];
            int count = p[1];
            if (count == 0) continue;
            List<long[]> prompts = new ArrayList<>();
            for (int i = 0; i < count; i++) prompts.add(new long[] {eos});
            List<long[]> gen = Generator.builder().topK(5).seed(seed + 1000L * k++).maxNewTokens(Math.max(1, length - 1))
                    .stopAtEos(false).build().generateIds(gpt, prompts);
            for (long[] ids : gen) {
                long[] kept = java.util.Arrays.stream(ids).filter(t -> t != eos).toArray();
                String text = gpt.tokenizer().decode(kept);
                text = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKD)
                        .replace("\n\n", " ").replace("<|endoftext|>", "");
                out.add(text.replace("{", "").replace("}", "") + ". {}");
            }
        }
        return List.copyOf(out);
    }

    /** Reads templates: a JSON list of strings, or an object with a {@code context_templates} list. */
    public static List<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("templates file not found: " + file
                    + "; pass a JSON list of templates such as [\"{}\", \"The first thing I. {}\"]");
        }
        JsonNode n = JSON.readTree(file.toFile());
        JsonNode list = n.isObject() ? n.get("context_templates") : n;
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(file + ": expected a JSON list of templates or {\"context_templates\": [...]}");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode t : list) out.add(t.asText());
        return validate(out);
    }

    /** Checks that every template has exactly one {@code {}}. */
    public static List<String> validate(List<String> templates) {
        if (templates.isEmpty()) throw new IllegalArgumentException("no context templates: give at least \"{}\"");
        for (String t : templates) {
            if (!t.contains("{}") || t.indexOf("{}") != t.lastIndexOf("{}")) {
                throw new IllegalArgumentException("context template \"" + t + "\" must contain {} exactly once, e.g. \"Some text. {}\"");
            }
        }
        return List.copyOf(templates);
    }
}
