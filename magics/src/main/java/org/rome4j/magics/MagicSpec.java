package org.rome4j.magics;

import org.rome4j.options.Declared;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/**
 * A magic's declaration: its picocli {@code @Command} class (name, description, examples as the footer) with the
 * option groups it shares with the CLI ({@link org.rome4j.options}) as {@code @Mixin}s. Parsing, {@code --help},
 * one-line errors and the kernel's completion all come from it.
 *
 * <pre>{@code
 * MagicSpec spec = new TraceMagic().spec();
 * spec.help();          // usage: %trace [-h] --subject S [--kind K] ... PROMPT
 * spec.optionNames();   // [--subject, --kind, --window, ..., --help]
 * }</pre>
 */
public final class MagicSpec {
    private final String name;
    private final boolean cell;
    private final CommandLine commandLine;

    /** The declaration of {@code declared} (an object of a {@code @Command} class), as a line or cell magic. */
    public MagicSpec(Object declared, boolean cell) {
        Command c = declared.getClass().getAnnotation(Command.class);
        if (c == null) throw new IllegalArgumentException(declared.getClass() + " is not a @Command");
        this.name = c.name();
        this.cell = cell;
        this.commandLine = Declared.commandLine(declared, invocation());
    }

    /** The magic's name, without %. */
    public String name() {
        return name;
    }

    /** The magic as typed: {@code %name} or {@code %%name}. */
    public String invocation() {
        return (cell ? "%%" : "%") + name;
    }

    /** The options it accepts, as typed ({@code --layer}, ... and {@code --help} last), for completion. */
    public List<String> optionNames() {
        return Declared.names(commandLine.getCommandSpec());
    }

    /** The full help: usage, description, arguments, options with defaults, examples. */
    public String help() {
        return commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /**
     * Parses words into the declared object.
     *
     * @return whether {@code --help} was asked for (then nothing else is checked)
     * @throws MagicException naming the bad word and what was expected, in one line
     */
    public boolean parse(List<String> words) {
        CommandLine.ParseResult parsed = commandLine.parseArgs(Declared.splitInline(words.toArray(String[]::new)));
        if (parsed.isUsageHelpRequested()) return true;
        CommandLine.ParameterException bad = Declared.firstError(parsed);
        if (bad != null) throw new MagicException(invocation() + ": " + Declared.oneLine(bad) + "; see " + invocation() + " --help");
        return false;
    }

    /** The texts the model will read (prompt, subject, objects), from the parsed groups that hold some. */
    public List<String> texts() {
        return Declared.texts(commandLine.getCommandSpec());
    }
}
