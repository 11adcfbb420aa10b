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

    /** The words MEMIT's {@code get_context_templates} starts its five texts from. */
    static final List<String> MEMIT_STARTS = List.of("The", "Therefore", "Because", "I", "You");

    /**
     * MEMIT's template rule ({@code memit_main.get_context_templates}), which differs from ROME's: groups
     * {@code [["{}"], [five texts]]}, each text sampled (top-5) from one of "The", "Therefore", "Because", "I",
     * "You" up to 10 tokens in all, braces replaced by spaces, then {@code ". {}"}. Seeded.
     */
    public static List<List<String>> memit(Gpt gpt, long seed) {
        List<String> texts = new ArrayList<>();
        int k = 0;
        for (String start : MEMIT_STARTS) {
            long[] ids = gpt.tokenizer().ids(start);
            List<long[]> gen = Generator.builder().topK(5).seed(seed + 1000L * k++).maxNewTokens(Math.max(1, 10 - ids.length))
                    .stopAtEos(false).build().generateIds(gpt, List.of(ids));
            long eos = gpt.tokenizer().padId();
            long[] all = new long[ids.length + gen.get(0).length];
            System.arraycopy(ids, 0, all, 0, ids.length);
            System.arraycopy(gen.get(0), 0, all, ids.length, gen.get(0).length);
            String text = gpt.tokenizer().decode(java.util.Arrays.stream(all).filter(t -> t != eos).toArray());
            text = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKD).replace("\n\n", " ").replace("<|endoftext|>", "");
            texts.add(text.replace("{", " ").replace("}", " ") + ". {}");
        }
        return List.of(List.of("{}"), List.copyOf(texts));
    }

    /**
     * Reads grouped templates: MEMIT's nested {@code {"context_templates": [["{}"], [...]]}} (or the bare nested
     * list), or a flat list, which is one group (ROME's rule: every template weighs the same).
     */
    public static List<List<String>> readGroups(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("templates file not found: " + file
                    + "; pass {\"context_templates\": [[\"{}\"], [\"Some text. {}\"]]} or a JSON list of templates");
        }
        JsonNode n = JSON.readTree(file.toFile());
        JsonNode list = n.isObject() ? n.get("context_templates") : n;
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(file + ": expected {\"context_templates\": [[\"{}\"], [...]]} or a JSON list of templates");
        }
        List<List<String>> out = new ArrayList<>();
        if (!list.get(0).isArray()) {
            out.add(read(file));
            return validateGroups(out);
        }
        for (JsonNode g : list) {
            if (!g.isArray()) throw new IllegalArgumentException(file + ": mixes lists and strings; give a list of lists of templates");
            List<String> group = new ArrayList<>();
            for (JsonNode t : g) group.add(t.asText());
            out.add(group);
        }
        return validateGroups(out);
    }

    /** Checks every group: not empty, each template with exactly one {@code {}}. */
    public static List<List<String>> validateGroups(List<List<String>> groups) {
        if (groups.isEmpty()) throw new IllegalArgumentException("no context templates: give at least [[\"{}\"]]");
        List<List<String>> out = new ArrayList<>();
        for (List<String> g : groups) out.add(validate(g));
        return List.copyOf(out);
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
