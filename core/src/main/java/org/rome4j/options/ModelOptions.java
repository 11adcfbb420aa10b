package org.rome4j.options;

import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which model a command runs: {@code --model} the {@link DtypeOption} its weights are kept in and the {@link DeviceOption} they live on. */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "M", defaultValue = Models.DEFAULT,
            description = "an embedded model (tiny-facts, tiny-biographies), a model folder in HF layout, or a hub id in the HF cache")
    String model;

    @Mixin
    DtypeOption dtype = new DtypeOption();

    @Mixin
    DeviceOption device = new DeviceOption();

    /** The model as typed, e.g. {@code tiny-facts} or a folder. */
    public String source() {
        return model;
    }

    /** The model's folder without loading it (an embedded model is unpacked), or null when it does not resolve (load says why). */
    public java.nio.file.Path folder() {
        try {
            return Models.resolve(model);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Loads it in the requested type. */
    public Gpt load() {
        return Models.load(model, dtype.dtype(), device.device());
    }
}
