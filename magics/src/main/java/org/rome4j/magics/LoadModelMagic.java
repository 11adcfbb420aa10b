package org.rome4j.magics;

import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.model.WeightType;

import java.util.List;

/** {@code %load_model [name|dir] [--dtype f32|bf16|f16]}: makes a model of any supported family current for every other magic. */
public final class LoadModelMagic implements Magic {
    private final Spec spec = new Spec("load_model",
            "Load a model and make it the current one for every other magic. Without an argument: the embedded "
                    + Models.DEFAULT + " model (or -Drome4j.model / ROME4J_MODEL when set).")
            .positional("model", "an embedded model name (" + String.join(", ", Models.EMBEDDED)
                    + "), a directory in HF layout, or a hub id in the local HF cache (gpt2-xl)", false)
            .option("dtype", "f32|bf16|f16", "f32", "the type weights are kept in (half types halve the memory; every layer "
                    + "computes in float32)")
            .option("device", "cpu|gpu", "cpu", "where the weights live (cpu only on this build)")
            .example("%load_model")
            .example("%load_model /path/to/gpt2-xl")
            .example("%load_model /path/to/Llama-3.2-1B --dtype bf16");

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public Class<?> resultType() {
        return ModelInfo.class;
    }

    @Override
    public Object run(Session session, Spec.Parsed args, String body) {
        String dtype = args.getChoice("dtype", List.of("f32", "bf16", "f16"));
        String device = args.getChoice("device", List.of("cpu", "gpu"));
        if (!device.equals("cpu")) {
            throw new MagicException("%load_model: --device gpu needs the CUDA build (mvn -Pcuda package); this jar runs on cpu");
        }
        String source = args.positional(0) == null ? Session.defaultModelName() : args.positional(0);
        long t0 = System.nanoTime();
        Gpt gpt = Models.load(source, WeightType.parse(dtype));
        session.setModel(gpt, source);
        return ModelInfo.of(gpt, source, (System.nanoTime() - t0) / 1_000_000);
    }
}
