package org.rome4j.options;

import picocli.CommandLine.Option;

import java.util.List;

/**
 * {@code --prompt}: the text a CLI command reads (a magic takes its prompt as its first, quoted word instead).
 * {@code generate} takes it repeated for a batch; the others take one.
 */
public final class PromptOption {
    @Option(names = "--prompt", paramLabel = "TEXT",
            description = "the prompt (edit: with {} where the subject goes; generate: repeat for a batch, left-padded)")
    List<String> prompts;

    // not required by picocli: edit --requests F.json takes its prompts from the file
    private void given() {
        if (prompts == null || prompts.isEmpty()) throw new IllegalArgumentException("--prompt is required: give the prompt in quotes");
    }

    /** Whether --prompt was given. */
    public boolean present() {
        return prompts != null && !prompts.isEmpty();
    }

    /** Every prompt given, in order. */
    public List<String> all() {
        given();
        return List.copyOf(prompts);
    }

    /**
     * The one prompt of a command that takes one.
     *
     * @throws IllegalArgumentException when it was given twice or is empty
     */
    public String one() {
        given();
        if (prompts.size() > 1) throw new IllegalArgumentException("--prompt given " + prompts.size() + " times; this command takes one");
        if (prompts.get(0).isBlank()) throw new IllegalArgumentException("empty prompt: give --prompt with the text in quotes");
        return prompts.get(0);
    }
}
