package org.rome4j.cli;

import org.rome4j.io.Problems;
import org.rome4j.model.Djl;
import org.rome4j.options.Declared;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code rome4j <command> [options]}: the command-line face of rome4j, dispatched by picocli. JSON on stdout with
 * {@code --json}; {@code --help} is generated from each command's declaration; bad input prints one line to stderr
 * and exits 2.
 */
@CommandLine.Command(name = "rome4j", description = "Locate and edit factual knowledge inside GPT-style language models.")
public final class Main {
    /** Every command, in the order {@code help} lists them. */
    public static final List<Supplier<Command>> COMMANDS = List.of(
            LogitsCommand::new,
            GenerateCommand::new,
            FactsCommand::new,
            DownloadCommand::new,
            DownloadDataCommand::new,
            DownloadStatsCommand::new,
            TraceCommand::new,
            TraceDatasetCommand::new,
            StatsCommand::new,
            EditCommand::new,
            EvalCommand::new);

    private Main() { }

    /** Entry point. */
    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** The command line of every command, fresh (parsing fills the command objects). */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = Declared.commandLine(new Main(), "rome4j");
        for (Supplier<Command> c : COMMANDS) {
            Command command = c.get();
            CommandLine sub = Declared.commandLine(command, null);
            cl.addSubcommand(sub);
        }
        cl.addSubcommand(Declared.commandLine(new CommandLine.HelpCommand(), null));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) return help;
            CommandLine.ParameterException bad = Declared.firstError(parsed);
            if (bad != null) {
                err.println(bad.getCommandLine().getCommandSpec().qualifiedName() + ": " + Declared.oneLine(bad)
                        + (bad.getCommandLine() == cl ? " (rome4j help)" : ""));
                return 2;
            }
            if (!parsed.hasSubcommand()) {
                cl.usage(out);
                return 2;
            }
            CommandLine.ParseResult sub = parsed.subcommand();
            String name = sub.commandSpec().name();
            try {
                return ((Command) sub.commandSpec().userObject()).run(out);
            } catch (Exception | StackOverflowError e) {
                // bad input of any kind (options, files, permissions): one line in words, status 2
                err.println("rome4j " + name + ": " + withoutCommand(name, Problems.oneLine(e)));
                return 2;
            }
        });
        return cl;
    }

    /** Runs a command line and returns the exit status (testable without exiting). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Djl.init();
        CommandLine cl = commandLine(out, err);
        return cl.execute(Declared.splitInline(argv));
    }

    /** The message without a leading "name: " the thrower already added (no "rome4j logits: logits: ..."). */
    static String withoutCommand(String name, String message) {
        String m = message;
        while (m.startsWith(name + ": ")) m = m.substring(name.length() + 2);
        return m;
    }
}
