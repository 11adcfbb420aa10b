package org.rome4j.options;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What both faces need from a picocli declaration beyond parsing: bad input as one line in the project's words,
 * value ranges, the texts to check against a vocabulary, and parsing for faces that split words themselves.
 */
public final class Declared {
    private Declared() { }

    /** The declaration of an annotated object: its options, labels, defaults and descriptions. */
    public static CommandSpec spec(Object annotated) {
        return CommandSpec.forAnnotatedObject(annotated);
    }

    /**
     * A command line for a declared command or magic: picocli's parser and help with the project's conventions
     * ({@code usage: } heading, {@code --option VALUE} as typed, defaults shown, {@link HelpOption}).
     *
     * @param name the name to show, or null for the declaration's own
     */
    public static CommandLine commandLine(Object declared, String name) {
        CommandSpec spec = spec(declared);
        if (name != null) spec.name(name);
        if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) spec.addMixin("help", spec(new HelpOption()));
        spec.parser().separator(" ").collectErrors(true).overwrittenOptionsAllowed(true);   // all errors, so an unknown option is named before a missing one
        spec.usageMessage().synopsisHeading("usage: ").showDefaultValues(true).sortOptions(false).sortSynopsis(false)
                .descriptionHeading("%n").optionListHeading("%noptions:%n").parameterListHeading("%narguments:%n")
                .commandListHeading("%ncommands:%n").width(110);
        // a prompt such as "@user says" is text, never picocli's @argument-file
        return asciiNumbers(new CommandLine(spec).setExpandAtFiles(false));
    }

    /**
     * Whole numbers in ASCII digits only: Java's parser also takes other scripts' digits ("٣" is 3), which a user
     * typing them did not mean as a count.
     */
    static CommandLine asciiNumbers(CommandLine cl) {
        CommandLine.ITypeConverter<Integer> ints = s -> {
            if (!s.matches("[+-]?[0-9]+")) throw new CommandLine.TypeConversionException("'" + s + "' is not a whole number");
            return Integer.valueOf(s);
        };
        CommandLine.ITypeConverter<Long> longs = s -> {
            if (!s.matches("[+-]?[0-9]+")) throw new CommandLine.TypeConversionException("'" + s + "' is not a whole number");
            return Long.valueOf(s);
        };
        return cl.registerConverter(Integer.class, ints).registerConverter(int.class, ints)
                .registerConverter(Long.class, longs).registerConverter(long.class, longs);
    }

    /** {@code --name=value} words as two ({@code --name value}), as the declarations' help writes them. */
    public static String[] splitInline(String[] words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            if (w.startsWith("--") && eq > 2) {
                out.add(w.substring(0, eq));
                out.add(w.substring(eq + 1));
            } else {
                out.add(w);
            }
        }
        return out.toArray(String[]::new);
    }

    /** Whether an option takes no value. */
    public static boolean isFlag(OptionSpec o) {
        return o.arity().max() == 0;
    }

    /** The option's name without its dashes, e.g. {@code fact-token}. */
    public static String name(OptionSpec o) {
        return o.longestName().replaceFirst("^-+", "");
    }

    /** The option's description in one line. */
    public static String description(OptionSpec o) {
        return String.join(" ", o.description());
    }

    /**
     * A value within [min, max].
     *
     * @throws IllegalArgumentException naming the option and the range
     */
    public static int range(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + (max == Integer.MAX_VALUE ? " must be at least " + min
                    : " must be between " + min + " and " + max) + ", got " + value);
        }
        return value;
    }

    /**
     * A parse error in one line: {@code unknown option --x (did you mean --y?); options are ...}, {@code --x is required},
     * {@code --x needs a value}, {@code --x must be an integer, got "abc"}, or a converter's own words led by the option.
     */
    public static String oneLine(CommandLine.ParameterException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String w = u.getUnmatched().get(0);
            if (w.startsWith("-") && w.length() > 1 && !w.matches("-\\d.*")) {
                String key = w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
                return "unknown option " + key + closest(spec, key) + "; options are " + String.join(" ", names(spec));
            }
            if (!spec.subcommands().isEmpty()) {
                return "unknown command " + w + "; commands are " + String.join(", ", spec.subcommands().keySet());
            }
            return "unexpected word \"" + w + "\"" + (spec.positionalParameters().isEmpty() ? ": it takes only --options" : "")
                    + " (quote text that contains spaces)";
        }
        if (e instanceof CommandLine.MissingParameterException m) {
            ArgSpec given = e.getArgSpec() != null ? e.getArgSpec() : m.getMissing().isEmpty() ? null : m.getMissing().get(0);
            if (e.getMessage().startsWith("Missing required parameter for option") && given instanceof OptionSpec o) {
                return o.longestName() + " needs a value (" + o.paramLabel() + ")";
            }
            List<String> missing = new ArrayList<>();
            for (ArgSpec a : m.getMissing()) {
                missing.add(a instanceof OptionSpec o ? o.longestName() : a.paramLabel() + " (" + String.join(" ", a.description()) + ")");
            }
            return String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " required";
        }
        if (e instanceof CommandLine.OverwrittenOptionException && e.getArgSpec() instanceof OptionSpec o) {
            return o.longestName() + " was given twice; give it once";
        }
        ArgSpec arg = e.getArgSpec();
        if (e.getCause() != null && arg != null) {
            String name = arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
            Class<?> t = arg.type();
            if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
                return name + " must be an integer, got \"" + e.getValue() + "\"";
            }
            String m = e.getCause().getMessage();
            return m.startsWith(name) ? m : name + ": " + m;
        }
        return e.getMessage();
    }

    /**
     * The error to show of a parse that collected its errors (this command's and its subcommand's): a word that matched
     * nothing first (a typo explains the rest), then a bad value, then a missing option.
     */
    public static CommandLine.ParameterException firstError(CommandLine.ParseResult parsed) {
        List<CommandLine.ParameterException> all = new ArrayList<>();
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            for (Exception e : p.errors()) {
                all.add(e instanceof CommandLine.ParameterException pe ? pe
                        : new CommandLine.ParameterException(p.commandSpec().commandLine(), String.valueOf(e.getMessage()), e));
            }
        }
        // a stray word first, then a word the option could not take, then what is missing
        return all.stream().min(java.util.Comparator.comparingInt(e -> e instanceof CommandLine.UnmatchedArgumentException ? 0
                : e instanceof CommandLine.MissingParameterException m && !m.getMessage().startsWith("Missing required parameter for option")
                ? 2 : 1)).orElse(null);
    }

    /** The options of a declaration as typed, e.g. {@code --layer}, in declaration order (help options last). */
    public static List<String> names(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : spec.options()) if (!o.usageHelp()) out.add(o.longestName());
        for (OptionSpec o : spec.options()) if (o.usageHelp()) out.add(o.longestName());
        return out;
    }

    private static String closest(CommandSpec spec, String key) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String n : names(spec)) {
            int d = distance(n, key);
            if (d < bestD) {
                bestD = d;
                best = n;
            }
        }
        return best != null && bestD <= Math.max(2, key.length() / 3) ? " (did you mean " + best + "?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1), Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The texts the model will read, from every option group of a parsed declaration that holds some ({@link Texts}). */
    public static List<String> texts(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        if (spec.userObject() instanceof Texts t) return new ArrayList<>(t.texts());   // a group that lists its parts' texts too
        for (CommandSpec m : spec.mixins().values()) out.addAll(texts(m));
        return out;
    }

    /**
     * Fills {@code target}'s options from words; a bad value is an {@link IllegalArgumentException} with a
     * {@linkplain #oneLine one-line} message.
     */
    public static <T> T parse(T target, List<String> words) {
        try {
            asciiNumbers(new CommandLine(target)).parseArgs(words.toArray(String[]::new));
            return target;
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(oneLine(e), e);
        }
    }

    /**
     * Fills {@code target} from options another parser has already split (the Spark jobs): each declared option that
     * {@code has}, with the {@code value} it was given, goes through the declaration's conversion and checks.
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
}
