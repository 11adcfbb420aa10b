package org.rome4j.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --facts}: a file of known facts ({@code facts}, {@code trace-dataset}). */
public final class FactsOption {
    @Option(names = "--facts", paramLabel = "FILE", required = true,
            description = "facts in known_1000.json format: a JSON list of {\"subject\", \"attribute\", \"prompt\", ...}")
    Path facts;

    /** The file. */
    public Path path() {
        return facts;
    }
}
