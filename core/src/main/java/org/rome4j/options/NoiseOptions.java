package org.rome4j.options;

import org.rome4j.trace.Noise;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** How a causal trace corrupts the subject: {@code --samples} corrupted runs with {@code --noise}. */
public final class NoiseOptions {
    @Option(names = "--samples", paramLabel = "N", defaultValue = "10",
            description = "corrupted runs averaged, 1-10000 (the paper uses 10; bounded by the model's memory estimate)")
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

    /** The samples, 1 to 10000: the paper averages 10; 100,000 noise runs of one fact would take days on a CPU. */
    public int samples() {
        return Declared.range("--samples", samples, 1, 10_000);
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
