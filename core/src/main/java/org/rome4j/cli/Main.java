package org.rome4j.cli;

import org.rome4j.model.Djl;
import org.rome4j.io.Problems;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code rome4j <command> [options]}: the command-line face of rome4j. JSON on stdout with
 * {@code --json}; bad input prints one line to stderr and exits 2.
 */
public final class Main {
    /** Every command, in the order {@code help} lists them. */
    public static final List<Command> COMMANDS = List.of(
            new LogitsCommand(),
            new GenerateCommand(),
            new FactsCommand(),
            new DownloadCommand(),
            new DownloadDataCommand(),
            new DownloadStatsCommand(),
            new TraceCommand(),
            new TraceDatasetCommand(),
            new StatsCommand(),
            new EditCommand(),
            new EvalCommand());

    private Main() { }

    /** Entry point. */
    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs a command line and returns the exit status (testable without exiting). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Djl.init();
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
            out.println("usage: rome4j <command> [options]\ncommands:");
            for (Command c : COMMANDS) out.println("  " + c.usage());
            return argv.length == 0 ? 2 : 0;
        }
        for (Command c : COMMANDS) {
            if (c.name().equals(argv[0])) {
                if (Arrays.asList(argv).subList(1, argv.length).stream().anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
                    out.println("usage: rome4j " + c.usage());
                    if (!c.help().isEmpty()) out.println(c.help());
                    return 0;
                }
                try {
                    return c.run(Arrays.copyOfRange(argv, 1, argv.length), out);
                } catch (Exception | StackOverflowError e) {
                    // bad input of any kind (options, files, permissions): one line in words, status 2
                    err.println("rome4j " + c.name() + ": " + withoutCommand(c.name(), Problems.oneLine(e)));
                    return 2;
                }
            }
        }
        err.println("rome4j: unknown command " + argv[0] + "; commands are "
                + String.join(", ", COMMANDS.stream().map(Command::name).toList()) + " (rome4j help)");
        return 2;
    }

    /** The message without a leading "name: " the thrower already added (no "rome4j logits: logits: ..."). */
    static String withoutCommand(String name, String message) {
        String m = message;
        while (m.startsWith(name + ": ")) m = m.substring(name.length() + 2);
        return m;
    }
}
