package org.rome4j.magics;

import org.rome4j.options.NoiseOptions;
import org.rome4j.options.SubjectOption;
import org.rome4j.progress.CancellationToken;
import org.rome4j.trace.CausalTrace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code %frozen_trace "prompt" --subject S [--samples N] [--noise s3]}: paper Fig. 3. */
public final class FrozenTraceMagic implements Magic<FrozenTraceMagic.Options> {
    /** The declaration: the prompt, the subject and the noise options of the traces. */
    @Command(name = "frozen_trace", description = "Paper Fig. 3: the effect of restoring the last subject token's state at each "
            + "layer, ordinarily and with the attention or the MLP modules above it frozen in their corrupted state.",
            footerHeading = "%nexamples:%n",
            footer = "  %%frozen_trace \"The Space Needle is located in the city of\" --subject \"The Space Needle\"")
    public static final class Options {
        @Mixin
        PromptArgument prompt;

        @Mixin
        SubjectOption subject;

        @Mixin
        NoiseOptions noise;
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public Class<?> resultType() {
        return FrozenTrace.class;
    }

    @Override
    public Object run(Session session, Options o, String body) {
        String prompt = o.prompt.prompt();
        String subject = o.subject.subject();
        if (!prompt.contains(subject)) {
            throw new MagicException("%frozen_trace: the subject \"" + subject + "\" does not occur in the prompt \"" + prompt + "\"");
        }
        return new FrozenTrace(CausalTrace.builder(session.model()).setPrompt(prompt).setSubject(subject)
                .optSamples(o.noise.samples()).optNoise(o.noise.noise())
                .optCancellation(new CancellationToken()).build().runFrozen());
    }
}
