package org.rome4j.rome;

import org.rome4j.model.TextTokenizer;

import java.util.Arrays;

/**
 * Where ROME reads the key k* and adds δ ({@code fact_token} in the original hparams), as
 * {@code repr_tools.get_words_idxs_in_templates} resolves it.
 */
public enum FactToken {
    /** The subject's last token (every preset). */
    SUBJECT_LAST("subject_last"),
    /** The subject's first token. */
    SUBJECT_FIRST("subject_first"),
    /** The token after the subject (its last when nothing follows). */
    SUBJECT_FIRST_AFTER_LAST("subject_first_after_last"),
    /** The prompt's last token. */
    LAST("last");

    private final String key;

    FactToken(String key) {
        this.key = key;
    }

    /** The name in the hparams JSON, e.g. {@code subject_last}. */
    public String key() { return key; }

    @Override
    public String toString() { return key; }

    /** The strategy named {@code key} in the hparams JSON. */
    public static FactToken parse(String key) {
        for (FactToken t : values()) if (t.key.equals(key)) return t;
        throw new IllegalArgumentException("hparams: fact_token \"" + key + "\" is not supported; use "
                + String.join(", ", Arrays.stream(values()).map(FactToken::key).toList()));
    }

    /**
     * The token index in {@code template} filled with {@code subject}: the subject's tokens by character
     * offsets in one encoding of the whole text (right with a BOS and with sentencepiece pieces, and for
     * GPT-2 the same as the original's prefix/word/suffix token counts).
     */
    public int index(TextTokenizer tok, String template, String subject) {
        TextTokenizer.Encoded enc = tok.encode(Request.fill(template, subject));
        if (this == LAST) return enc.size() - 1;
        int[] r = TextTokenizer.tokenRange(enc, subject, template.indexOf("{}"));
        return switch (this) {
            case SUBJECT_FIRST -> r[0];
            case SUBJECT_FIRST_AFTER_LAST -> r[1] < enc.size() ? r[1] : r[1] - 1;
            default -> r[1] - 1;
        };
    }
}
