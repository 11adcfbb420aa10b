package org.rome4j.options;

import org.rome4j.model.Generator;
import org.rome4j.model.Gpt;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/** How {@code generate} and {@code %generate} continue a prompt: greedy, or seeded top-k sampling. */
public final class GenerationOptions {
    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "20",
            description = "tokens to generate, 1-100000 (at most the model's context)")
    int maxNewTokens;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "sample from the K most likely tokens (0: greedy)")
    int topK;

    @Mixin
    SeedOption seed = new SeedOption(0);

    /** The new tokens, checked. */
    public int maxNewTokens() {
        return Declared.range("--max-new-tokens", maxNewTokens, 1, 100_000);
    }

    /**
     * Refuses up front, rather than after generating most of the tokens, what the model's context cannot hold
     * (it bounds the KV cache).
     */
    public void checkContext(Gpt gpt, List<String> prompts) {
        int maxNew = maxNewTokens();
        int longest = prompts.stream().mapToInt(p -> gpt.tokenizer().ids(p).length).max().orElse(0);
        int context = gpt.config().nPositions();
        if (longest + maxNew > context) {
            throw new IllegalArgumentException("--max-new-tokens " + maxNew + " does not fit: the longest prompt has " + longest
                    + " tokens and " + gpt.name() + "'s context is " + context + "; at most " + Math.max(0, context - longest)
                    + " new tokens");
        }
    }

    /** A generator with these settings. */
    public Generator generator() {
        return Generator.builder().maxNewTokens(maxNewTokens()).topK(Declared.range("--top-k", topK, 0, 1_000_000)).seed(seed.seed()).build();
    }
}
