package org.rome4j.options;

import org.rome4j.trace.Kind;
import org.rome4j.trace.Noise;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.List;

/**
 * The causal-tracing options of {@code rome4j trace} and {@code %trace}: {@code --kind}, {@code --window},
 * {@code --samples}, {@code --noise}, {@code --expect}. Declared once; the face chooses {@code --kind}'s default
 * ({@link #forCli()}: resid, one heatmap per run as the original's {@code calculate_hidden_flow};
 * {@link #forNotebook()}: all, the Fig. 1 triptych).
 */
public final class TraceOptions {
    @Option(names = "--kind", paramLabel = "K", converter = KindWord.class,
            description = "which states to restore: resid, mlp or attn (all: the three side by side, in a notebook)")
    String kind;

    @Option(names = "--window", paramLabel = "W", defaultValue = "10",
            description = "MLP/attention layers restored together around each layer, clipped to the model")
    int window;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10",
            description = "corrupted runs averaged (bounded by the model's memory estimate)")
    int samples;

    @Option(names = "--noise", paramLabel = "N", defaultValue = "s3", converter = NoiseWord.class,
            description = "s3 (3 x the std of subject embeddings), u3, t5, or a number such as 0.1")
    Noise noise;

    @Option(names = "--expect", paramLabel = "O", description = "the expected answer (default: the model's own greedy answer)")
    String expect;

    private TraceOptions(String defaultKind) {
        this.kind = defaultKind;
    }

    /** The CLI's: {@code --kind resid} unless given. */
    public static TraceOptions forCli() {
        return new TraceOptions("resid");
    }

    /** The notebook's: {@code --kind all} unless given. */
    public static TraceOptions forNotebook() {
        return new TraceOptions("all");
    }

    static final class KindWord implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.equals("all")) return value;
            try {
                return Kind.parse(value).name().toLowerCase(java.util.Locale.ROOT);   // also its aliases (hidden, attention)
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("--kind is resid, mlp, attn or all, got " + value);
            }
        }
    }

    static final class NoiseWord implements ITypeConverter<Noise> {
        @Override
        public Noise convert(String value) {
            try {
                return Noise.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("--noise: " + e.getMessage());
            }
        }
    }

    /** The kinds to trace: one, or all three for {@code all}. */
    public List<Kind> kinds() {
        return kind.equals("all") ? List.of(Kind.RESID, Kind.MLP, Kind.ATTN) : List.of(Kind.parse(kind));
    }

    /** The window, at least 1. */
    public int window() {
        if (window < 1) throw new IllegalArgumentException("--window must be at least 1, got " + window);
        return window;
    }

    /** The samples, 1 to 100000. */
    public int samples() {
        if (samples < 1 || samples > 100_000) throw new IllegalArgumentException("--samples must be between 1 and 100000, got " + samples);
        return samples;
    }

    /** The noise. */
    public Noise noise() {
        return noise;
    }

    /** The expected answer, or null. */
    public String expect() {
        return expect;
    }
}
