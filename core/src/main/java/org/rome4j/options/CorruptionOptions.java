package org.rome4j.options;

import org.rome4j.trace.Noise;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * How a causal trace corrupts and restores: {@code --window}, {@code --samples}, {@code --noise}. Declared once for
 * {@code trace} and {@code %trace} (inside {@link TraceOptions}), {@code trace-dataset} and the Spark
 * {@code trace-dataset} job.
 */
public final class CorruptionOptions {
    @Option(names = "--window", paramLabel = "W", defaultValue = "10",
            description = "MLP/attention layers restored together around each layer, clipped to the model")
    int window;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10",
            description = "corrupted runs averaged (bounded by the model's memory estimate)")
    int samples;

    @Option(names = "--noise", paramLabel = "SPEC", defaultValue = "s3", converter = NoiseWord.class,
            description = "s3 (3 x the std of subject embeddings), u3, t5, or a number such as 0.1")
    String noise;

    /** Checks a noise word, keeping it as typed (the Spark job ships the words to its executors). */
    static final class NoiseWord implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                Noise.parse(value);
                return value;
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("--noise: " + e.getMessage());
            }
        }
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
        return Noise.parse(noise);
    }

    /** The noise as typed, e.g. {@code s3}. */
    public String noiseWord() {
        return noise;
    }
}
