package org.rome4j.spark;

import org.rome4j.cli.Command;
import org.rome4j.cli.Main;
import org.rome4j.cli.UsageException;
import org.rome4j.options.Declared;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Spark job's options, parsed with the single-machine command's own picocli declaration ({@link Main#COMMANDS}) plus
 * {@link SparkOptions}: every option, default, conversion and message is the CLI's, so the two faces cannot drift apart.
 * Executors parse the same words again (their options travel as the command line).
 */
final class Args {
    private final CommandLine line;
    private final CommandLine.ParseResult parsed;
    private final String[] argv;

    private Args(CommandLine line, CommandLine.ParseResult parsed, String[] argv) {
        this.line = line;
        this.parsed = parsed;
        this.argv = argv.clone();
    }

    /** The words as given. */
    String[] argv() {
        return argv.clone();
    }

    /** The command line of a job: the CLI command of that name, with the Spark options added. */
    static CommandLine commandLine(String job) {
        Command command = null;
        for (Supplier<Command> c : Main.COMMANDS) {
            Command x = c.get();
            if (Declared.spec(x).name().equals(job)) command = x;
        }
        if (command == null) throw new IllegalStateException("no CLI command " + job);
        CommandLine cl = Declared.commandLine(command, "rome4j-spark " + job);
        cl.getCommandSpec().addMixin("spark", Declared.spec(new SparkOptions()));
        return cl;
    }

    /**
     * Parses a job's words.
     *
     * @throws UsageException with the CLI's one-line message for a bad option or value
     */
    static Args parse(String job, String[] argv) {
        CommandLine cl = commandLine(job);
        CommandLine.ParseResult r = cl.parseArgs(Declared.splitInline(argv));
        CommandLine.ParameterException bad = Declared.firstError(r);
        if (bad != null && !r.isUsageHelpRequested()) throw new UsageException(job + ": " + Declared.oneLine(bad));
        return new Args(cl, r, argv);
    }

    /** Whether {@code --help} was asked for. */
    boolean help() {
        return parsed.isUsageHelpRequested();
    }

    /** Prints the generated usage. */
    void usage(PrintStream out) {
        line.usage(out);
    }

    private OptionSpec option(String name) {
        OptionSpec o = line.getCommandSpec().findOption("--" + name);
        if (o == null) throw new IllegalStateException("no option --" + name + " in " + line.getCommandSpec().name());
        return o;
    }

    /** An option's value as converted by its declaration, its default when not given (null when it has none). */
    @SuppressWarnings("unchecked")
    <T> T value(String name) {
        return (T) option(name).getValue();
    }

    /** Whether an option was given on the command line. */
    boolean has(String name) {
        return parsed.hasMatchedOption("--" + name);
    }

    /** An option group of the command, e.g. its {@link org.rome4j.options.ModelOptions}, filled by the parse. */
    <T> T group(Class<T> type) {
        return find(line.getCommandSpec(), type).orElseThrow(() -> new IllegalStateException("no " + type.getSimpleName()));
    }

    private static <T> Optional<T> find(CommandSpec spec, Class<T> type) {
        if (type.isInstance(spec.userObject())) return Optional.of(type.cast(spec.userObject()));
        for (CommandSpec m : spec.mixins().values()) {
            Optional<T> t = find(m, type);
            if (t.isPresent()) return t;
        }
        return Optional.empty();
    }

    /** Whether {@code --json} was given. */
    boolean json() {
        return has("json");
    }

    /** The master to start (unless spark-submit set one). */
    String master() {
        return group(SparkOptions.class).master;
    }

    /** {@code --partitions}, or null for the default. */
    Integer partitions() {
        Integer p = group(SparkOptions.class).partitions;
        return p == null ? null : Declared.range("--partitions", p, 1, 1_000_000);
    }

    /** Seconds between progress lines. */
    double progressSeconds() {
        double s = group(SparkOptions.class).progressSeconds;
        if (!(s > 0)) throw new UsageException("--progress-seconds must be > 0, got " + s);
        return s;
    }

    /** The option words of a list ({@code --corpus A B}) as given. */
    List<String> strings(String name) {
        return parsed.matchedOption("--" + name) == null ? List.of() : parsed.matchedOption("--" + name).stringValues();
    }
}
