package org.rome4j.magics;

import org.rome4j.model.Gpt;
import org.rome4j.options.TraceOptions;
import org.rome4j.progress.CancellationToken;
import org.rome4j.trace.CausalTrace;
import org.rome4j.trace.Kind;
import org.rome4j.trace.Noise;
import org.rome4j.trace.TraceResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

/** {@code %trace "prompt" --subject S [--kind all|resid|mlp|attn] [--window 10] [--samples 10] [--noise s3] [--expect O]}. */
public final class TraceMagic implements Magic<TraceMagic.Options> {
    /** The declaration: the prompt and the tracing options {@code rome4j trace} has. */
    @Command(name = "trace", description = "Causal tracing (paper Fig. 1): corrupt the subject's embeddings, restore one state at a "
            + "time, and show how much of the answer's probability each restored state brings back.",
            footerHeading = "%nexamples:%n", footer = {
                "  %%trace \"The Space Needle is located in the city of\" --subject \"The Space Needle\"",
                "  var t = %%trace \"Michael Jordan plays the sport of\" --subject \"Michael Jordan\" --kind mlp"})
    public static final class Options {
        @Mixin
        PromptArgument prompt;

        @Mixin
        TraceOptions trace;
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public Class<?> resultType() {
        return Trace.class;
    }

    @Override
    public Object run(Session session, Options o, String body) {
        String prompt = o.prompt.prompt();
        TraceOptions t = o.trace;
        String subject = t.subject();
        if (!prompt.contains(subject)) {
            throw new MagicException("%trace: the subject \"" + subject + "\" does not occur in the prompt \"" + prompt + "\"");
        }
        t.corruption().fixedWindow();
        int samples = t.corruption().samples();
        List<Kind> kinds = t.kinds();
        Noise noise = t.corruption().noise();
        Gpt gpt = session.model();
        int window = t.corruption().window(gpt.nLayer());
        if (kinds.stream().anyMatch(k -> k != Kind.RESID)) Kind.wholeModelNote(window, gpt.nLayer()).ifPresent(System.err::println);
        CausalTrace.Builder b = CausalTrace.builder(gpt).setPrompt(prompt).setSubject(subject).optWindow(window)
                .optSamples(samples).optNoise(noise).optCancellation(new CancellationToken());
        if (t.expect() != null) b.optExpect(t.expect());
        Session.checkInterrupted();
        try (TimedProgress p = new TimedProgress(session, "tracing " + kinds.size() + (kinds.size() == 1 ? " kind" : " kinds")
                + ", " + samples + " samples")) {
            b.optProgress(p);
            List<TraceResult> results = b.build().run(kinds);   // one clean and corrupted baseline for all kinds, as rome4j trace
            return new Trace(results);
        }
    }
}
