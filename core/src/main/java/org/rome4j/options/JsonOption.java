package org.rome4j.options;

import picocli.CommandLine.Option;

/** {@code --json}: results as one JSON document on stdout (every CLI command). */
public final class JsonOption {
    @Option(names = "--json", description = "print the result as JSON on stdout")
    boolean json;

    /** Whether it was given. */
    public boolean json() {
        return json;
    }
}
