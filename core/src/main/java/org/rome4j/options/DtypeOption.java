package org.rome4j.options;

import org.rome4j.model.WeightType;
import picocli.CommandLine.Option;

/** {@code --dtype}: the type a model's weights are kept in (every layer computes in float32). */
public final class DtypeOption {
    @Option(names = "--dtype", paramLabel = "D", defaultValue = "f32", converter = Converters.Dtype.class,
            description = "weights in memory: f32, bf16 or f16 (half types halve the memory; computed in float32)")
    WeightType dtype;

    /** The type. */
    public WeightType dtype() {
        return dtype;
    }
}
