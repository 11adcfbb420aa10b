package org.rome4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a compact word-level HuggingFace {@code tokenizer.json}: GPT-2's byte-level pre-tokenizer
 * (its split regex and byte-to-unicode alphabet, with a prefix space so a sentence-initial word is the
 * same {@code Ġword} token as anywhere else), a {@code WordLevel} model whose vocabulary is every word
 * piece of a corpus, and a decoder that maps bytes back and strips the added prefix space, so
 * {@code decode(ids(text))} rebuilds {@code text}.
 *
 * <p>Ids: 0 is {@code <|endoftext|>} (the pad id), 1 is {@code <unk>}, then pieces by falling frequency
 * (ties alphabetical), so the output is a pure function of the corpus.
 */
public final class WordTokenizerBuilder {
    /** End of text, also the pad id. */
    public static final String EOS = "<|endoftext|>";
    /** Unknown word. */
    public static final String UNK = "<unk>";

    /** GPT-2's pre-tokenization regex, as HF tokenizers' ByteLevel applies it. */
    private static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
    private static final char[] BYTE_TO_CHAR = byteToUnicode();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Integer> counts = new HashMap<>();

    /** Adds every piece of a text to the vocabulary. */
    public WordTokenizerBuilder add(String text) {
        for (String piece : pieces(text)) {
            counts.merge(piece, 1, Integer::sum);
        }
        return this;
    }

    /** Adds many texts. */
    public WordTokenizerBuilder addAll(Iterable<String> texts) {
        for (String t : texts) add(t);
        return this;
    }

    /**
     * The byte-level pieces of a text as the HF pre-tokenizer makes them: a space is prepended unless
     * the text starts with one, the text is split with GPT-2's regex, and each piece's UTF-8 bytes are
     * mapped to GPT-2's printable alphabet (a space becomes {@code Ġ}).
     */
    public static List<String> pieces(String text) {
        String s = text.startsWith(" ") ? text : " " + text;
        List<String> out = new ArrayList<>();
        Matcher m = GPT2_SPLIT.matcher(s);
        while (m.find()) {
            byte[] bytes = m.group().getBytes(StandardCharsets.UTF_8);
            StringBuilder b = new StringBuilder(bytes.length);
            for (byte x : bytes) b.append(BYTE_TO_CHAR[x & 0xff]);
            out.add(b.toString());
        }
        return out;
    }

    /** The vocabulary, piece to id. */
    public Map<String, Integer> vocab() {
        Map<String, Integer> v = new java.util.LinkedHashMap<>();
        v.put(EOS, 0);
        v.put(UNK, 1);
        counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> v.putIfAbsent(e.getKey(), v.size()));
        return v;
    }

    /** The {@code tokenizer.json} tree. */
    public ObjectNode tokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        added.add(special(0, EOS));
        added.add(special(1, UNK));
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel());
        root.set("post_processor", byteLevel());
        ObjectNode dec = JSON.createObjectNode();
        dec.put("type", "Sequence");
        ArrayNode decs = dec.putArray("decoders");
        decs.add(byteLevel());
        ObjectNode strip = JSON.createObjectNode();
        strip.put("type", "Strip");
        strip.put("content", " ");
        strip.put("start", 1);
        strip.put("stop", 0);
        decs.add(strip);
        root.set("decoder", dec);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        vocab().forEach(vocab::put);
        model.put("unk_token", UNK);
        return root;
    }

    private static ObjectNode byteLevel() {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", true);
        n.put("trim_offsets", true);
        n.put("use_regex", true);
        return n;
    }

    private static ObjectNode special(int id, String content) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("content", content);
        n.put("single_word", false);
        n.put("lstrip", false);
        n.put("rstrip", false);
        n.put("normalized", false);
        n.put("special", true);
        return n;
    }

    /** Writes {@code tokenizer.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizerJson());
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("add_bos_token", false);
        cfg.put("add_prefix_space", true);
        cfg.put("bos_token", EOS);
        cfg.put("eos_token", EOS);
        cfg.put("unk_token", UNK);
        cfg.put("pad_token", EOS);
        cfg.put("clean_up_tokenization_spaces", false);
        cfg.put("model_max_length", 64);
        cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
        JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
        ObjectNode sp = JSON.createObjectNode();
        sp.put("bos_token", EOS);
        sp.put("eos_token", EOS);
        sp.put("unk_token", UNK);
        sp.put("pad_token", EOS);
        JSON.writeValue(dir.resolve("special_tokens_map.json").toFile(), sp);
    }

    /** GPT-2's reversible map from bytes to printable unicode characters. */
    private static char[] byteToUnicode() {
        char[] out = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int n = 0;
        for (int b = 0; b < 256; b++) {
            out[b] = direct[b] ? (char) b : (char) (256 + n++);
        }
        return out;
    }
}
