package org.rome4j.magics;

import org.rome4j.progress.CancellationToken;
import org.rome4j.trace.CausalTrace;
import org.rome4j.trace.Noise;

/** {@code %frozen_trace "prompt" --subject S [--samples N] [--noise s3]}: paper Fig. 3. */
public final class FrozenTraceMagic implements Magic {
    private final Spec spec = new Spec("frozen_trace",
            "Paper Fig. 3: the effect of restoring the last subject token's state at each layer, ordinarily and with "
                    + "the attention or the MLP modules above it frozen in their corrupted state.")
            .positional("prompt", "the prompt, containing the subject (quote it)", true)
            .option("subject", "S", null, "the subject inside the prompt (required)")
            .option("samples", "N", "10", "corrupted runs averaged")
            .option("noise", "SPEC", "s3", "noise: s3, u3, t5, or a number")
            .example("%frozen_trace \"The Space Needle is located in the city of\" --subject \"The Space Needle\"");

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public Class<?> resultType() {
        return FrozenTrace.class;
    }

    @Override
    public Object run(Session session, Spec.Parsed args, String body) {
        String prompt = args.positional(0);
        if (!args.has("subject") || args.get("subject").isBlank()) {
            throw new MagicException("%frozen_trace: --subject S is required (the words of the prompt to corrupt)");
        }
        String subject = args.get("subject");
        if (!prompt.contains(subject)) {
            throw new MagicException("%frozen_trace: the subject \"" + subject + "\" does not occur in the prompt \"" + prompt + "\"");
        }
        Noise noise;
        try {
            noise = Noise.parse(args.get("noise"));
        } catch (IllegalArgumentException e) {
            throw new MagicException("%frozen_trace: --noise: " + e.getMessage());
        }
        return new FrozenTrace(CausalTrace.builder(session.model()).setPrompt(prompt).setSubject(subject)
                .optSamples(args.getInt("samples", 1, 10_000)).optNoise(noise)
                .optCancellation(new CancellationToken()).build().runFrozen());
    }
}
