package org.rome4j.bench;

import org.rome4j.data.FactData;
import org.rome4j.model.Models;
import org.rome4j.model.RandomCheckpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the benchmarks read, all of it in the jar: a tokenizer for their random checkpoints, fixed context
 * templates and a small corpus. Nothing here is downloaded or read from outside the checkout.
 */
final class BenchInputs {
    private BenchInputs() { }

    /**
     * 21 fixed context templates of the original's shape ({@code "{}"}, ten after a short prefix, ten after a
     * longer one), so that both v* schedules and every run see the same prompts instead of sampled ones.
     */
    static final List<String> TEMPLATES = List.of(
            "{}",
            "The first thing I. {}",
            "In the meantime, the. {}",
            "It is a good. {}",
            "A new study has. {}",
            "This is not the. {}",
            "When I was a. {}",
            "There are many ways. {}",
            "The following is a. {}",
            "I have been working. {}",
            "We need to talk. {}",
            "The new year is here and it is time to. {}",
            "A man was arrested on Tuesday after police found a. {}",
            "In a recent interview with the New York Times,. {}",
            "The company said in a statement that it had. {}",
            "If you want to learn more about the history. {}",
            "This article is about the game of chess and its. {}",
            "The city council voted on Monday to approve the. {}",
            "I was sitting in my office when the phone. {}",
            "Scientists have discovered a new species of frog in. {}",
            "After a long day at work, she decided to. {}");

    /**
     * The tokenizer folder for a random checkpoint: {@code arg} (a folder with {@code tokenizer.json}, or a hub id
     * in the HF cache such as {@code gpt2}), else the embedded model's. A random checkpoint keeps its full
     * vocabulary either way (token ids past the embedded vocabulary decode to nothing).
     */
    static Path tokenizer(String arg) {
        return arg == null || arg.isBlank() ? RandomCheckpoint.embeddedTokenizer() : Models.resolve(arg);
    }

    /** A short corpus every checkout has: the first {@code n} of the embedded model's training sentences. */
    static List<String> corpus(int n) throws IOException {
        List<String> all = FactData.loadBundled().corpus();
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }
}
