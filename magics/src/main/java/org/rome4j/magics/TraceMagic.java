package org.rome4j.magics;

import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;
import org.rome4j.trace.CausalTrace;
import org.rome4j.trace.Kind;
import org.rome4j.trace.Noise;
import org.rome4j.trace.TraceResult;

import java.util.List;

/** {@code %trace "prompt" --subject S [--kind all|resid|mlp|attn] [--window 10] [--samples 10] [--noise s3] [--expect O]}. */
public final class TraceMagic implements Magic {
    private final Spec spec = new Spec("trace",
            "Causal tracing (paper Fig. 1): corrupt the subject's embeddings, restore one state at a time, "
                    + "and show how much of the answer's probability each restored state brings back.")
            .positional("prompt", "the prompt, containing the subject (quote it)", true)
            .option("subject", "S", null, "the subject inside the prompt (required)")
            .option("kind", "all|resid|mlp|attn", "all", "which states to restore: all three side by side, or one")
            .option("window", "W", "10", "MLP/attention layers restored together around each layer")
            .option("samples", "N", "10", "corrupted runs averaged")
            .option("noise", "SPEC", "s3", "noise: s3 (3x the embeddings' std), u3, t5, or a number")
            .option("expect", "O", null, "the answer you expect (noted when the model predicts something else)")
            .example("%trace \"The Space Needle is located in the city of\" --subject \"The Space Needle\"")
            .example("var t = %trace \"Michael Jordan plays the sport of\" --subject \"Michael Jordan\" --kind mlp");

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public Class<?> resultType() {
        return Trace.class;
    }

    @Override
    public Object run(Session session, Spec.Parsed args, String body) {
        String prompt = args.positional(0);
        if (!args.has("subject") || args.get("subject").isBlank()) {
            throw new MagicException("%trace: --subject S is required (the words of the prompt to corrupt)");
        }
        String subject = args.get("subject");
        if (!prompt.contains(subject)) {
            throw new MagicException("%trace: the subject \"" + subject + "\" does not occur in the prompt \"" + prompt + "\"");
        }
        String kindArg = args.getChoice("kind", List.of("all", "resid", "mlp", "attn"));
        int window = args.getInt("window", 1, 1000);
        int samples = args.getInt("samples", 1, 10_000);
        Noise noise;
        try {
            noise = Noise.parse(args.get("noise"));
        } catch (IllegalArgumentException e) {
            throw new MagicException("%trace: --noise: " + e.getMessage());
        }
        List<Kind> kinds = kindArg.equals("all") ? List.of(Kind.RESID, Kind.MLP, Kind.ATTN) : List.of(Kind.parse(kindArg));
        Gpt gpt = session.model();
        if (kinds.stream().anyMatch(k -> k != Kind.RESID)) Kind.wholeModelNote(window, gpt.nLayer()).ifPresent(System.err::println);
        CausalTrace.Builder b = CausalTrace.builder(gpt).setPrompt(prompt).setSubject(subject).optWindow(window)
                .optSamples(samples).optNoise(noise).optCancellation(new CancellationToken());
        if (args.has("expect")) b.optExpect(args.get("expect"));
        Session.checkInterrupted();
        List<TraceResult> results = b.build().run(kinds);   // one clean and corrupted baseline for all kinds
        return new Trace(results);
    }
}
