package org.rome4j.options;

import picocli.CommandLine.Option;

/**
 * {@code --limit}: how many items of a dataset a long command works through. Declared once; the face gives the default
 * ({@code trace-dataset}, {@code eval}: all; {@code %trace_dataset}: 100, {@code %counterfact_eval}: 5, a cell's worth).
 */
public final class LimitOption {
    @Option(names = "--limit", paramLabel = "N", description = "only the first N facts or records (default: all, unless shown)")
    Integer limit;

    /** No limit unless given. */
    public LimitOption() {
        this(null);
    }

    /** A limit of {@code dflt} unless given (null: none). */
    public LimitOption(Integer dflt) {
        this.limit = dflt;
    }

    /** The limit, at least 1, or {@code all} when none was given. */
    public int limit(int all) {
        return limit == null ? all : Declared.range("--limit", limit, 1, Integer.MAX_VALUE);
    }
}
