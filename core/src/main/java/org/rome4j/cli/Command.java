package org.rome4j.cli;

import java.io.PrintStream;

/**
 * One CLI command: a class annotated with picocli's {@code @Command} (name, description) whose fields and
 * {@code @Mixin} option groups ({@link org.rome4j.options}) are its options. Register new ones in {@link Main#COMMANDS}.
 */
public interface Command {
    /**
     * Runs the command on its parsed options.
     *
     * @param out where results go (JSON with {@code --json}); progress goes to stderr
     * @return the exit status
     * @throws UsageException on bad input (the CLI prints it and exits 2); so does any other exception, in one line
     */
    int run(PrintStream out) throws Exception;
}
