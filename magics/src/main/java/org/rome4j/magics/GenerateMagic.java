package org.rome4j.magics;

import org.rome4j.model.Generator;
import org.rome4j.model.Gpt;

import java.util.List;

/** {@code %generate "prompt" [--max-new-tokens N] [--top-k K --seed S] [--compare]}. */
public final class GenerateMagic implements Magic {
    private final Spec spec = new Spec("generate",
            "Continue a prompt with the current model: greedy by default, or seeded top-k sampling.")
            .positional("prompt", "the text to continue (quote it)", true)
            .option("max-new-tokens", "N", "20", "tokens to generate")
            .option("top-k", "K", "0", "sample from the K most likely tokens (0: greedy)")
            .option("seed", "S", "0", "sampler seed (same seed, same text)")
            .flag("compare", "generate with the edited and the original model side by side")
            .example("%generate \"The Eiffel Tower is located in\" --max-new-tokens 10");

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public Class<?> resultType() {
        return Generation.class;
    }

    @Override
    public Object run(Session session, Spec.Parsed args, String body) {
        String prompt = args.positional(0);
        if (prompt.isEmpty()) {
            throw new MagicException("%generate: the prompt is empty; give the text to continue in quotes");
        }
        int n = args.getInt("max-new-tokens", 1, 2048);
        Generator g = Generator.builder().maxNewTokens(n).topK(args.getInt("top-k", 0, 1_000_000))
                .seed(Long.parseLong(String.valueOf(args.getInt("seed", Integer.MIN_VALUE, Integer.MAX_VALUE)))).build();
        Gpt gpt = session.model();
        if (args.flag("compare")) {
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
