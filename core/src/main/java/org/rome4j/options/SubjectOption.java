package org.rome4j.options;

import picocli.CommandLine.Option;

import java.util.List;

/** {@code --subject}: the words of the prompt a trace corrupts or an edit rewrites ({@code trace}, {@code edit}, their magics). */
public final class SubjectOption implements Texts {
    @Option(names = "--subject", paramLabel = "S", description = "the subject, as it appears in the prompt")
    String subject;

    /** The subject; never blank. */
    public String subject() {
        if (subject == null) throw new IllegalArgumentException("--subject is required: give the words of the prompt it names");
        if (subject.isBlank()) throw new IllegalArgumentException("empty --subject; give the words of the prompt it names");
        return subject;
    }

    @Override
    public List<String> texts() {
        return subject == null ? List.of() : List.of(subject);
    }
}
