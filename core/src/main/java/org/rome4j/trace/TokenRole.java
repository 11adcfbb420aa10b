package org.rome4j.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a token sits relative to the subject, the rows of the paper's averaged traces (Fig. 2 and
 * App. B; the original notebook's {@code fe, ee, le, fa, ea, la}).
 */
public enum TokenRole {
    /** The subject's first token. */
    FIRST_SUBJECT("First subject token"),
    /** Subject tokens between the first and the last (a fact contributes each). */
    MIDDLE_SUBJECT("Middle subject tokens"),
    /** The subject's last token. */
    LAST_SUBJECT("Last subject token"),
    /** The token right after the subject. */
    FIRST_SUBSEQUENT("First subsequent token"),
    /** Tokens after that, before the last. */
    FURTHER("Further tokens"),
    /** The prompt's last token. */
    LAST("Last token");

    private final String label;

    TokenRole(String label) {
        this.label = label;
    }

    /** The paper's label. */
    public String label() { return label; }

    /** Lower-case id for tables, e.g. {@code last_subject}. */
    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }

    /**
     * The token positions of this role in a prompt of {@code tokens} tokens whose subject is [b, e), as
     * the original notebook picks them: first = b, middle = b+1..e-2, last = e-1 (first and last
     * coincide for a one-token subject), first subsequent = e (if any), further = e+1..T-2, last = T-1.
     */
    public List<Integer> positions(int b, int e, int tokens) {
        List<Integer> out = new ArrayList<>();
        switch (this) {
            case FIRST_SUBJECT -> out.add(b);
            case MIDDLE_SUBJECT -> { for (int i = b + 1; i < e - 1; i++) out.add(i); }
            case LAST_SUBJECT -> out.add(e - 1);
            case FIRST_SUBSEQUENT -> { if (e < tokens) out.add(e); }
            case FURTHER -> { for (int i = e + 1; i < tokens - 1; i++) out.add(i); }
            case LAST -> out.add(tokens - 1);
            default -> throw new IllegalStateException();
        }
        return out;
    }
}
