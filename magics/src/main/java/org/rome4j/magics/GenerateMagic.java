package org.rome4j.magics;

import org.rome4j.model.Generator;
import org.rome4j.model.Gpt;
import org.rome4j.options.GenerationOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code %generate "prompt" [--max-new-tokens N] [--top-k K --seed S] [--compare]}. */
public final class GenerateMagic implements Magic<GenerateMagic.Options> {
    /** The declaration: the prompt, the generation options {@code rome4j generate} has, and {@code --compare}. */
    @Command(name = "generate", description = "Continue a prompt with the current model: greedy by default, or seeded top-k sampling.",
            footerHeading = "%nexamples:%n", footer = "  %%generate \"The Eiffel Tower is located in\" --max-new-tokens 10")
    public static final class Options {
        @Mixin
        PromptArgument prompt;

        @Mixin
        GenerationOptions generation;

        @Option(names = "--compare", description = "generate with the edited and the original model side by side")
        boolean compare;
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public Class<?> resultType() {
        return Generation.class;
    }

    @Override
    public Object run(Session session, Options o, String body) {
        String prompt = o.prompt.prompt();
        if (prompt.isEmpty()) {
            throw new MagicException("%generate: the prompt is empty; give the text to continue in quotes");
        }
        int n = o.generation.maxNewTokens();
        Generator g = o.generation.generator();
        Gpt gpt = session.model();
        o.generation.checkContext(gpt, List.of(prompt));
        if (o.compare) {
            org.rome4j.rome.Rome rome = session.editing().current(gpt);
            if (rome == null || rome.edits().isEmpty()) {
                throw new MagicException("%generate: --compare needs an active edit, and none is applied; "
                        + "apply one with %rome_edit, or drop --compare");
            }
            Session.checkInterrupted();
            String edited = g.generate(gpt, List.of(prompt)).get(0).text();
            Session.checkInterrupted();
            String original = rome.withOriginalWeights(() -> g.generate(gpt, List.of(prompt)).get(0).text());
            return new Generation(prompt, List.of("edited", "original"), List.of(edited, original), NextTokens.of(gpt, prompt, 10), n);
        }
        Session.checkInterrupted();
        String completion = g.generate(gpt, List.of(prompt)).get(0).text();
        return new Generation(prompt, List.of("current"), List.of(completion), NextTokens.of(gpt, prompt, 10), n);
    }
}
