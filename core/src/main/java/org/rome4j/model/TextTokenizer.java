package org.rome4j.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A HuggingFace {@code tokenizer.json} tokenizer (through DJL's Rust bindings) that keeps character
 * offsets, so a subject's tokens are found from where its characters are, not by re-tokenizing pieces.
 *
 * <p>A BOS token is prepended where the checkpoint's tokenizer adds one (Llama, Mistral: the
 * {@code tokenizer.json} post-processor template, or {@code add_bos_token} in {@code tokenizer_config.json},
 * which wins); no other special token is added, nothing is truncated (DJL would cut at 512 tokens) or
 * padded. Positions that matter (the subject's tokens, the fact token, a target's tokens after its
 * prompt) are found from character offsets of one encoding of the whole text, never by counting the
 * tokens of pieces encoded alone, which breaks with a BOS and with sentencepiece's {@code ▁} pieces.
 */
public final class TextTokenizer implements AutoCloseable {

    /** Token ids, token strings and each token's character span [start, end) in the text, in UTF-16 units (Java's). */
    public record Encoded(String text, long[] ids, String[] tokens, int[] starts, int[] ends) {
        /** Number of tokens. */
        public int size() {
            return ids.length;
        }

        /** The words of the text that map to the unknown token (small vocabularies such as tiny-facts'). */
        public java.util.List<String> unknownWords() {
            java.util.List<String> out = new java.util.ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                if (("<unk>".equals(tokens[i]) || "[UNK]".equals(tokens[i])) && starts[i] >= 0) {
                    out.add(text.substring(starts[i], ends[i]).trim());
                }
            }
            return out;
        }
    }

    private final HuggingFaceTokenizer hf;
    private final int padId;
    /** The BOS id prepended to every encoding, or -1. */
    private final long bos;
    private final String bosToken;

    private TextTokenizer(HuggingFaceTokenizer hf, int padId, long bos, String bosToken) {
        this.hf = hf;
        this.padId = padId;
        this.bos = bos;
        this.bosToken = bosToken;
    }

    /**
     * Loads {@code dir/tokenizer.json}.
     *
     * @throws ModelLoadException if the file is missing or unreadable
     */
    public static TextTokenizer load(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("tokenizer missing: " + file + " not found; save the model's tokenizer "
                    + "with tokenizer.save_pretrained(dir) (a fast tokenizer writes tokenizer.json)");
        }
        refuseEmptyVocabulary(file);
        try {
            HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            long eos = hf.encode("<|endoftext|>", false, false).getIds().length == 1
                    ? hf.encode("<|endoftext|>", false, false).getIds()[0] : 0;
            long bos = -1;
            String bosToken = null;
            JsonNode addBos = addBosToken(dir);
            if (addBos != null) {
                if (addBos.path("add").asBoolean() && addBos.has("id")) {
                    bos = addBos.get("id").asLong();
                    bosToken = addBos.get("token").asText();
                }
            } else {
                // the post-processor's template: does encoding with special tokens put one id in front?
                Encoding with = hf.encode("a", true, false);
                long[] plain = hf.encode("a", false, false).getIds();
                long[] w = with.getIds();
                if (w.length > plain.length && java.util.Arrays.equals(java.util.Arrays.copyOfRange(w, 1, 1 + plain.length), plain)) {
                    bos = w[0];
                    bosToken = with.getTokens()[0];
                }
            }
            if (bos >= 0 && eos == 0) eos = bos;      // no <|endoftext|>: pad with BOS (padded keys are masked anyway)
            return new TextTokenizer(hf, (int) eos, bos, bosToken);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("tokenizer unreadable: " + file + ": " + e.getMessage()
                    + "; re-save it with tokenizer.save_pretrained(dir)");
        }
    }

    /**
     * Refuses a {@code tokenizer.json} whose model has no vocabulary: it loads, but every text
     * encodes to nothing or to ids no embedding row has, and the first trace fails far from the cause.
     */
    private static void refuseEmptyVocabulary(Path file) {
        JsonNode t;
        try {
            t = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException("tokenizer unreadable: " + file + ": " + org.rome4j.io.Problems.oneLine(e)
                    + "; re-save it with tokenizer.save_pretrained(dir)");
        }
        if (t == null || !t.isObject()) {
            throw new ModelLoadException("tokenizer unreadable: " + file + " is not a JSON object; re-save it with tokenizer.save_pretrained(dir)");
        }
        JsonNode vocab = t.path("model").path("vocab");
        if (vocab.isMissingNode() || vocab.isNull() || vocab.size() == 0) {
            throw new ModelLoadException("tokenizer has no vocabulary: " + file + " (model.vocab is "
                    + (vocab.isMissingNode() ? "missing" : "empty") + "); re-save the model's tokenizer with tokenizer.save_pretrained(dir)");
        }
    }

    /**
     * {@code add_bos_token} of {@code tokenizer_config.json} as {@code {add, id, token}}, or null when the
     * file or the key is absent (then the post-processor decides).
     */
    private static JsonNode addBosToken(Path dir) throws IOException {
        Path f = dir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(f)) return null;
        JsonNode cfg = new ObjectMapper().readTree(f.toFile());
        JsonNode add = cfg.get("add_bos_token");
        if (add == null || !add.isBoolean()) return null;
        com.fasterxml.jackson.databind.node.ObjectNode out = new ObjectMapper().createObjectNode().put("add", add.asBoolean());
        JsonNode tok = cfg.get("bos_token");
        String text = tok == null || tok.isNull() ? null : tok.isObject() ? tok.path("content").asText() : tok.asText();
        if (add.asBoolean() && text != null) {
            try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(dir.resolve("tokenizer.json"))
                    .optAddSpecialTokens(false).optTruncation(false).optPadding(false).build()) {
                long[] id = hf.encode(text, false, false).getIds();
                if (id.length != 1) {
                    throw new IOException("bos_token \"" + text + "\" of tokenizer_config.json is not one token of tokenizer.json");
                }
                out.put("id", id[0]).put("token", text);
            }
        }
        return out;
    }

    /** Encodes text with character offsets (a BOS, where added, has offsets -1). */
    public Encoded encode(String text) {
        Encoding enc = hf.encode(text, false, false);
        long[] raw = enc.getIds();
        int k = bos >= 0 ? 1 : 0;
        long[] ids = new long[raw.length + k];
        String[] toks = new String[ids.length];
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        if (k == 1) {
            ids[0] = bos;
            toks[0] = bosToken;
            starts[0] = -1;
            ends[0] = -1;
        }
        String[] rawToks = enc.getTokens();
        CharSpan[] spans = enc.getCharTokenSpans();
        // the Rust tokenizer counts code points; Java strings (indexOf, substring) count UTF-16 units, which
        // differ after any character outside the Basic Multilingual Plane (emoji): convert once, here
        int[] utf16 = utf16Offsets(text);
        for (int i = 0; i < raw.length; i++) {
            CharSpan s = spans != null && i < spans.length ? spans[i] : null;
            ids[i + k] = raw[i];
            toks[i + k] = rawToks[i];
            starts[i + k] = s == null ? -1 : utf16[Math.min(s.getStart(), utf16.length - 1)];
            ends[i + k] = s == null ? -1 : utf16[Math.min(s.getEnd(), utf16.length - 1)];
        }
        return new Encoded(text, ids, toks, starts, ends);
    }

    /** For each code point index 0..n (inclusive), its UTF-16 index in {@code text}. */
    static int[] utf16Offsets(String text) {
        int n = text.codePointCount(0, text.length());
        int[] out = new int[n + 1];
        int at = 0;
        for (int i = 0; i < n; i++) {
            out[i] = at;
            at += Character.charCount(text.codePointAt(at));
        }
        out[n] = at;
        return out;
    }

    /** Token ids of a text as the model reads it (with the BOS, where the tokenizer adds one). */
    public long[] ids(String text) {
        long[] raw = hf.encode(text, false, false).getIds();
        if (bos < 0) return raw;
        long[] out = new long[raw.length + 1];
        out[0] = bos;
        System.arraycopy(raw, 0, out, 1, raw.length);
        return out;
    }

    /** Token ids of a text without any special token (e.g. a subject's own tokens). */
    public long[] pieces(String text) {
        return hf.encode(text, false, false).getIds();
    }

    /** The BOS id prepended to every encoding, or -1 when the tokenizer adds none. */
    public long bosId() {
        return bos;
    }

    /**
     * {@code prompt + continuation} encoded once and split where the continuation's characters start:
     * {@code [prompt ids, continuation ids]}. The continuation's ids are those a model would predict
     * after the prompt (with sentencepiece, {@code " football"} alone would encode as
     * {@code ▁ ▁football}; after a prompt it is {@code ▁football}).
     */
    public long[][] split(String prompt, String continuation) {
        Encoded enc = encode(prompt + continuation);
        int n = enc.size();
        int k = n;
        for (int i = 0; i < n; i++) {
            if (enc.starts()[i] >= 0 && enc.ends()[i] > prompt.length()) {
                k = i;
                break;
            }
        }
        return new long[][] {java.util.Arrays.copyOf(enc.ids(), k), java.util.Arrays.copyOfRange(enc.ids(), k, n)};
    }

    /** The ids of {@code continuation} as it is encoded after {@code prompt} ({@link #split}). */
    public long[] continuation(String prompt, String continuation) {
        return split(prompt, continuation)[1];
    }

    /** Decodes ids to text (special tokens kept). */
    public String decode(long... ids) {
        return hf.decode(ids, false);
    }

    /** The text of one token as it appears in decoded output. */
    public String tokenText(long id) {
        return hf.decode(new long[] {id}, false);
    }

    /** The id used to pad batches: {@code <|endoftext|>} when the vocabulary has it, else 0. */
    public int padId() {
        return padId;
    }

    /**
     * The token range [begin, end) covering the first occurrence of {@code subject} in the encoded text:
     * every token whose characters overlap the subject's.
     *
     * @throws IllegalArgumentException if the subject does not occur in the text
     */
    public static int[] subjectRange(Encoded enc, String subject) {
        int at = enc.text().indexOf(subject);
        if (subject.isEmpty() || at < 0) {
            throw new IllegalArgumentException("subject \"" + subject + "\" is not in the prompt \"" + enc.text()
                    + "\": write the prompt so it contains the subject exactly (case-sensitive)");
        }
        return tokenRange(enc, subject, at);
    }

    /**
     * The token range [begin, end) of every token overlapping {@code subject} written at character
     * {@code at} of the encoded text (a BOS or other token without offsets never overlaps).
     */
    public static int[] tokenRange(Encoded enc, String subject, int at) {
        int end = at + subject.length();
        int b = -1;
        int e = -1;
        for (int i = 0; i < enc.size(); i++) {
            if (enc.starts()[i] < 0) continue;
            boolean overlaps = enc.starts()[i] < end && enc.ends()[i] > at;
            if (overlaps) {
                if (b < 0) b = i;
                e = i + 1;
            }
        }
        if (b < 0) {
            throw new IllegalArgumentException("subject \"" + subject + "\" maps to no token of \"" + enc.text() + "\"");
        }
        return new int[] {b, e};
    }

    @Override
    public void close() {
        hf.close();
    }
}
