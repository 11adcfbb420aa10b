package org.rome4j.options;

import org.rome4j.trace.Kind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.ArrayList;
import java.util.List;

/**
 * The causal-tracing options of {@code rome4j trace} and {@code %trace}: {@link SubjectOption}, {@code --kind},
 * {@code --expect} and the {@link CorruptionOptions}. Declared once, one default on both faces: {@code --kind all}, the
 * three kinds of paper Fig. 1 traced together, sharing the clean and corrupted runs.
 */
public final class TraceOptions implements Texts {
    @Mixin
    SubjectOption subject = new SubjectOption();

    @Option(names = "--kind", paramLabel = "K", converter = KindWord.class, defaultValue = "all",
            description = "which states to restore: resid, mlp, attn, or all (the three, sharing the clean and corrupted runs; "
                    + "resid alone with --frozen)")
    String kind;

    @Mixin
    CorruptionOptions corruption = new CorruptionOptions();

    @Option(names = "--expect", paramLabel = "O", description = "the expected answer (default: the model's own greedy answer)")
    String expect;

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

    /** The subject. */
    public String subject() {
        return subject.subject();
    }

    /** The kinds to trace: one, or all three (resid, mlp, attn) for {@code all}. */
    public List<Kind> kinds() {
        return kind.equals("all") ? List.of(Kind.RESID, Kind.MLP, Kind.ATTN) : List.of(Kind.parse(kind));
    }

    /** Whether {@code --kind all} (the default) is in force. */
    public boolean allKinds() {
        return kind.equals("all");
    }

    /** The window, samples and noise. */
    public CorruptionOptions corruption() {
        return corruption;
    }

    /** The expected answer, or null. */
    public String expect() {
        return expect;
    }

    @Override
    public List<String> texts() {
        List<String> t = new ArrayList<>(subject.texts());
        if (expect != null) t.add(expect);
        return t;
    }
}
