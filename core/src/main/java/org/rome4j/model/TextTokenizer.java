package org.rome4j.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A HuggingFace {@code tokenizer.json} tokenizer (through DJL's Rust bindings) that keeps character
 * offsets, so a subject's tokens are found from where its characters are, not by re-tokenizing pieces.
 *
 * <p>No special tokens are added, nothing is truncated (DJL would cut at 512 tokens) or padded.
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

    private TextTokenizer(HuggingFaceTokenizer hf, int padId) {
        this.hf = hf;
        this.padId = padId;
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
        try {
            HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            long eos = hf.encode("<|endoftext|>", false, false).getIds().length == 1
                    ? hf.encode("<|endoftext|>", false, false).getIds()[0] : 0;
            return new TextTokenizer(hf, (int) eos);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("tokenizer unreadable: " + file + ": " + e.getMessage()
                    + "; re-save it with tokenizer.save_pretrained(dir)");
        }
    }

    /** Encodes text with character offsets. */
    public Encoded encode(String text) {
        Encoding enc = hf.encode(text, false, false);
        long[] ids = enc.getIds();
        String[] toks = enc.getTokens();
        CharSpan[] spans = enc.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        // the Rust tokenizer counts code points; Java strings (indexOf, substring) count UTF-16 units, which
        // differ after any character outside the Basic Multilingual Plane (emoji): convert once, here
        int[] utf16 = utf16Offsets(text);
        for (int i = 0; i < ids.length; i++) {
            CharSpan s = spans != null && i < spans.length ? spans[i] : null;
            starts[i] = s == null ? -1 : utf16[Math.min(s.getStart(), utf16.length - 1)];
            ends[i] = s == null ? -1 : utf16[Math.min(s.getEnd(), utf16.length - 1)];
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

    /** Token ids of a text. */
    public long[] ids(String text) {
        return hf.encode(text, false, false).getIds();
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
