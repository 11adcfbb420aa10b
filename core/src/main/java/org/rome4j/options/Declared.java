package org.rome4j.options;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** Parsing, help and option words of a picocli-annotated option group, for faces that split words themselves. */
public final class Declared {
    private Declared() { }

    /** The declaration of an annotated object: its options, labels, defaults and descriptions. */
    public static CommandSpec spec(Object annotated) {
        return CommandSpec.forAnnotatedObject(annotated);
    }

    /** Whether an option takes no value. */
    public static boolean isFlag(OptionSpec o) {
        return o.arity().max() == 0;
    }

    /** The option's name without its dashes, e.g. {@code fact-token}. */
    public static String name(OptionSpec o) {
        return o.longestName().replaceFirst("^-+", "");
    }

    /** The option's default as typed (its declared default, else the value the face set), or null. */
    public static String defaultText(OptionSpec o) {
        if (o.defaultValue() != null) return o.defaultValue();
        Object v = o.initialValue();
        return v instanceof String || v instanceof Number ? v.toString() : null;
    }

    /** The option's description in one line. */
    public static String description(OptionSpec o) {
        return String.join(" ", o.description());
    }

    /**
     * Fills {@code target}'s options from words; a bad value is an {@link IllegalArgumentException} with a one-line
     * message (the converter's own words where it has them).
     */
    public static <T> T parse(T target, List<String> words) {
        try {
            new CommandLine(target).parseArgs(words.toArray(String[]::new));
            return target;
        } catch (CommandLine.ParameterException e) {
            // a converter's own words, led by the option's name unless they already name it
            if (e.getCause() instanceof CommandLine.TypeConversionException c && e.getArgSpec() instanceof OptionSpec o) {
                String m = c.getMessage();
                throw new IllegalArgumentException(m.startsWith(o.longestName()) ? m : o.longestName() + ": " + m, e);
            }
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Fills {@code target} from options another parser has already split: each declared option that {@code has},
     * with the {@code value} it was given, goes through the declaration's conversion and checks.
     */
    public static <T> T from(T target, Predicate<String> has, Function<String, String> value) {
        List<String> words = new ArrayList<>();
        for (OptionSpec o : spec(target).options()) {
            String n = name(o);
            if (!has.test(n)) continue;
            words.add("--" + n);
            if (!isFlag(o)) words.add(value.apply(n));
        }
        return parse(target, words);
    }

    /** The names (without dashes) of the options that take a value, and of the flags. */
    public static List<String> names(Object annotated, boolean flags) {
        return spec(annotated).options().stream().filter(o -> isFlag(o) == flags).map(Declared::name).toList();
    }

    /** One help line per option, {@code "  --layer L           edit this layer..."}, in declaration order. */
    public static String helpLines(Object annotated) {
        StringBuilder sb = new StringBuilder();
        for (OptionSpec o : spec(annotated).options()) {
            String left = o.longestName() + (isFlag(o) ? "" : " " + o.paramLabel());
            String d = defaultText(o);
            sb.append(String.format("  %-19s %s%s%n", left, description(o), d == null ? "" : " (default " + d + ")"));
        }
        return sb.toString();
    }
}
