package org.rome4j.magics;

import org.rome4j.model.Gpt;
import org.rome4j.options.Declared;
import org.rome4j.options.TraceOptions;
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
            .options(TraceOptions.forNotebook())
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
        TraceOptions t;
        int window;
        int samples;
        try {
            t = Declared.from(TraceOptions.forNotebook(), args::has, args::get);
            window = t.corruption().window();
            samples = t.corruption().samples();
        } catch (IllegalArgumentException e) {
            throw new MagicException("%trace: " + e.getMessage());
        }
        List<Kind> kinds = t.kinds();
        Noise noise = t.corruption().noise();
        Gpt gpt = session.model();
        if (kinds.stream().anyMatch(k -> k != Kind.RESID)) Kind.wholeModelNote(window, gpt.nLayer()).ifPresent(System.err::println);
        CausalTrace.Builder b = CausalTrace.builder(gpt).setPrompt(prompt).setSubject(subject).optWindow(window)
                .optSamples(samples).optNoise(noise).optCancellation(new CancellationToken());
        if (t.expect() != null) b.optExpect(t.expect());
        Session.checkInterrupted();
        List<TraceResult> results = b.build().run(kinds);   // one clean and corrupted baseline for all kinds
        return new Trace(results);
    }
}
