package org.rome4j.options;

import org.rome4j.trace.Kind;
import org.rome4j.trace.Noise;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * How a causal trace corrupts and restores: {@code --window} and the {@link NoiseOptions}. Declared once for
 * {@code trace} and {@code %trace} (inside {@link TraceOptions}), {@code trace-dataset}, {@code %trace_dataset} and the
 * Spark {@code trace-dataset} job.
 */
public final class CorruptionOptions {
    @Option(names = "--window", paramLabel = "W", defaultValue = "auto", converter = WindowWord.class,
            description = "MLP/attention layers restored together around each layer, clipped to the model; auto: the original's "
                    + "10 of GPT-2 XL's 48 layers scaled to the model's depth, max(1, round(10 * layers / 48))")
    String window;

    /** {@code auto} or a number of layers, in ASCII digits (parseInt would also take other scripts' digits). */
    static final class WindowWord implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.equals("auto") || value.matches("[0-9]{1,9}")) return value;
            throw new TypeConversionException("--window is a number of layers or auto, got " + value);
        }
    }

    @Mixin
    NoiseOptions noise = new NoiseOptions();

    /** The window for a model of {@code nLayer} layers: as given, or {@link Kind#scaledWindow} for {@code auto}. */
    public int window(int nLayer) {
        Integer w = fixedWindow();
        return w == null ? Kind.scaledWindow(nLayer) : w;
    }

    /** The window as given, at least 1, or null for {@code auto}; checks the word before any model loads. */
    public Integer fixedWindow() {
        if (window.equals("auto")) return null;
        return Declared.range("--window", Integer.parseInt(window), 1, Integer.MAX_VALUE);
    }

    /** The samples, 1 to 10000. */
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
