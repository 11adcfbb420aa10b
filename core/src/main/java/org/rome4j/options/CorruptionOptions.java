package org.rome4j.options;

import org.rome4j.trace.Noise;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a causal trace corrupts and restores: {@code --window} and the {@link NoiseOptions}. Declared once for
 * {@code trace} and {@code %trace} (inside {@link TraceOptions}), {@code trace-dataset}, {@code %trace_dataset} and the
 * Spark {@code trace-dataset} job.
 */
public final class CorruptionOptions {
    @Option(names = "--window", paramLabel = "W", defaultValue = "10",
            description = "MLP/attention layers restored together around each layer, clipped to the model")
    int window;

    @Mixin
    NoiseOptions noise = new NoiseOptions();

    /** The window, at least 1. */
    public int window() {
        return Declared.range("--window", window, 1, Integer.MAX_VALUE);
    }

    /** The samples, 1 to 100000. */
    public int samples() {
        return noise.samples();
    }

    /** The noise. */
    public Noise noise() {
        return noise.noise();
    }

    /** The noise as typed, e.g. {@code s3}. */
    public String noiseWord() {
        return noise.noiseWord();
    }
}
