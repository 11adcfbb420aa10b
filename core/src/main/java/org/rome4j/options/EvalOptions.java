package org.rome4j.options;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What an evaluation runs over ({@code eval}, {@code %counterfact_eval}): the dataset, how much of it, generation length. */
public final class EvalOptions {
    @Option(names = "--dataset", paramLabel = "F|known_1000", defaultValue = "known_1000", description = "CounterFact JSON (a list of "
            + "{\"case_id\", \"requested_rewrite\", ...}), zsRE JSON (eval --format zsre), or known_1000 (the shipped "
            + "CounterFact-format benchmark built from known_1000)")
    String dataset;

    @Mixin
    LimitOption limit;

    @Option(names = "--gen-tokens", paramLabel = "N", description = "new tokens per generation for the fluency metrics "
            + "(generation entropy), 0-10000; 0 skips generation")
    int genTokens;

    /** Face defaults: {@code limit} records (null: all) and {@code genTokens} tokens per generation. */
    public EvalOptions(Integer limit, int genTokens) {
        this.limit = new LimitOption(limit);
        this.genTokens = genTokens;
    }

    /** The CLI's: every record, 100 tokens (the original's). */
    public EvalOptions() {
        this(null, 100);
    }

    /** The dataset: a file, or {@code known_1000}. */
    public String dataset() {
        return dataset;
    }

    /** The limit, or {@code Integer.MAX_VALUE}. */
    public int limit() {
        return limit.limit(Integer.MAX_VALUE);
    }

    /** Tokens per generation. */
    public int genTokens() {
        return Declared.range("--gen-tokens", genTokens, 0, 10_000);
    }
}
