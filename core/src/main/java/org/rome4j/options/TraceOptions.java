package org.rome4j.options;

import org.rome4j.trace.Kind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.List;

/**
 * The causal-tracing options of {@code rome4j trace} and {@code %trace}: {@code --kind}, {@code --expect} and the
 * {@link CorruptionOptions}. Declared once; the face chooses {@code --kind}'s default
 * ({@link #forCli()}: resid, one heatmap per run as the original's {@code calculate_hidden_flow};
 * {@link #forNotebook()}: all, the Fig. 1 triptych).
 */
public final class TraceOptions {
    @Option(names = "--kind", paramLabel = "K", converter = KindWord.class,
            description = "which states to restore: resid, mlp or attn (all: the three side by side, in a notebook)")
    String kind;

    @Mixin
    CorruptionOptions corruption = new CorruptionOptions();

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

    /** The kinds to trace: one, or all three for {@code all}. */
    public List<Kind> kinds() {
        return kind.equals("all") ? List.of(Kind.RESID, Kind.MLP, Kind.ATTN) : List.of(Kind.parse(kind));
    }

    /** The window, samples and noise. */
    public CorruptionOptions corruption() {
        return corruption;
    }

    /** The expected answer, or null. */
    public String expect() {
        return expect;
    }
}
