package org.rome4j.options;

import picocli.CommandLine.Option;

/**
 * {@code --seed}: a random seed. Declared once; each command gives the default its method has
 * ({@code generate}: 0, {@code stats}: 1 as the original's {@code layer_stats}, {@code edit}/{@code eval}'s context templates: 0).
 */
public final class SeedOption {
    @Option(names = "--seed", paramLabel = "S", description = "random seed (same seed, same result)")
    long seed;

    /** A seed defaulting to {@code dflt}. */
    public SeedOption(long dflt) {
        this.seed = dflt;
    }

    /** Picocli's no-argument form: default 0. */
    public SeedOption() {
        this(0);
    }

    /** The seed. */
    public long seed() {
        return seed;
    }
}
