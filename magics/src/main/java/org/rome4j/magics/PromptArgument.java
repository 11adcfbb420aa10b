package org.rome4j.magics;

import org.rome4j.options.Texts;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * A magic's prompt: its first, quoted word (the CLI takes {@code --prompt TEXT} instead). For the editing magics it
 * has {@code {}} where the subject goes, or contains the subject.
 */
public final class PromptArgument implements Texts {
    @Parameters(index = "0", paramLabel = "PROMPT", description = "the prompt, quoted (%%rome_edit: with {} where the subject goes)")
    String prompt;

    /** The prompt as given. */
    public String prompt() {
        return prompt;
    }

    @Override
    public List<String> texts() {
        return List.of(prompt.replace("{}", ""));
    }
}
