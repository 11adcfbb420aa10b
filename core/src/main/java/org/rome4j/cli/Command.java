package org.rome4j.cli;

import java.io.PrintStream;

/** One CLI command. Register new ones in {@link Main#COMMANDS}. */
public interface Command {
    /** The word that selects it, e.g. {@code logits}. */
    String name();

    /** One usage line, e.g. {@code logits --model M --prompt TEXT [--json]}. */
    String usage();

    /**
     * What {@code <command> --help} prints after the usage line: each option with its default and the
     * formats of the files it reads and writes, one per line.
     */
    default String help() {
        return "";
    }

    /**
     * Runs the command.
     *
     * @param argv the arguments after the command word
     * @param out  where results go (JSON with {@code --json}); progress goes to stderr
     * @return the exit status
     * @throws UsageException on bad input (the CLI prints it and exits 2)
     */
    int run(String[] argv, PrintStream out) throws Exception;
}
