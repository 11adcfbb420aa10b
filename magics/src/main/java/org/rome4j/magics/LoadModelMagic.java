package org.rome4j.magics;

import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.options.DeviceOption;
import org.rome4j.options.DtypeOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code %load_model [name|dir] [--dtype f32|bf16|f16] [--device cpu|cuda[:N]]}: makes a model of any supported family current for every other magic. */
public final class LoadModelMagic implements Magic<LoadModelMagic.Options> {
    /** The declaration: the model (the CLI's --model, here the first word) and the {@link DtypeOption} every command has. */
    @Command(name = "load_model", description = "Load a model and make it the current one for every other magic. Without an "
            + "argument: the embedded " + Models.DEFAULT + " model (or -Drome4j.model / ROME4J_MODEL when set).",
            footerHeading = "%nexamples:%n", footer = {"  %%load_model", "  %%load_model /path/to/gpt2-xl",
                "  %%load_model /path/to/Llama-3.2-1B --dtype bf16"})
    public static final class Options {
        @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "an embedded model name (tiny-facts), a "
                + "directory in HF layout, or a hub id in the local HF cache (gpt2-xl)")
        String model;

        @Mixin
        DtypeOption dtype;

        @Mixin
        DeviceOption device;
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public Class<?> resultType() {
        return ModelInfo.class;
    }

    @Override
    public Object run(Session session, Options o, String body) {
        String source = o.model == null ? Session.defaultModelName() : o.model;
        long t0 = System.nanoTime();
        Gpt gpt = Models.load(source, o.dtype.dtype(), o.device.device());
        session.setModel(gpt, source);
        return ModelInfo.of(gpt, source, (System.nanoTime() - t0) / 1_000_000);
    }
}
