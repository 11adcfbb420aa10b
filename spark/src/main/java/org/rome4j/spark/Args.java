package org.rome4j.spark;

import org.rome4j.cli.UsageException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} and {@code --flag} options of one Spark job (the single-machine CLI parses with picocli; the jobs
 * still split their words here and pass the shared option groups through {@link org.rome4j.options.Declared#from}). Each command declares what it
 * accepts, so a typo is an error naming the known options rather than a silently ignored word.
 */
final class Args {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> flags = new LinkedHashSet<>();
    private final List<String> positional = new ArrayList<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * Parses arguments.
     *
     * @param valued options that take a value (without the leading dashes)
     * @param flagNames options that take none
     */
    public static Args parse(String command, String[] argv, Set<String> valued, Set<String> flagNames) {
        Args a = parse(command, argv, valued, flagNames, null);
        if (!a.positional.isEmpty()) {
            throw new UsageException(command + ": unexpected word \"" + a.positional.get(0) + "\": " + command
                    + " takes only --options (quote text that contains spaces)");
        }
        return a;
    }

    /**
     * Parses arguments of a command that also takes plain words ({@code positionalName}, e.g. "corpus files");
     * the others reject them, so a stray word is an error rather than silently ignored.
     */
    public static Args parse(String command, String[] argv, Set<String> valued, Set<String> flagNames, String positionalName) {
        Args a = new Args(command);
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (s.startsWith("--")) {
                String name = s.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flagNames.contains(name)) {
                    a.flags.add(name);
                } else if (valued.contains(name)) {
                    if (inline == null) {
                        if (i + 1 >= argv.length) {
                            throw new UsageException(command + ": --" + name + " needs a value");
                        }
                        inline = argv[++i];
                    }
                    a.values.put(name, inline);
                } else {
                    List<String> known = new ArrayList<>();
                    valued.forEach(v -> known.add("--" + v));
                    flagNames.forEach(f -> known.add("--" + f));
                    throw new UsageException(command + ": unknown option --" + name + "; options are " + String.join(" ", known));
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    /** A required option's value. */
    public String require(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            throw new UsageException(command + ": --" + name + " is required");
        }
        return v;
    }

    /** An option's value or a default. */
    public String get(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    /** Whether an option was given. */
    public boolean has(String name) {
        return values.containsKey(name) || flags.contains(name);
    }

    /** An integer option within [min, max], or a default. */
    public int getInt(String name, int dflt, int min, int max) {
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new UsageException(command + ": --" + name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be an integer, got \"" + v + "\"");
        }
    }

    /** A long option, or a default. */
    public long getLong(String name, long dflt) {
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be an integer, got \"" + v + "\"");
        }
    }

    /** {@code --dtype f32|bf16|f16}: the type the model's weights are kept in (default f32). */
    public org.rome4j.model.WeightType dtype() {
        return org.rome4j.model.WeightType.parse(get("dtype", "f32"));
    }

    /** Whether {@code --json} was given. */
    public boolean json() {
        return flags.contains("json");
    }

    /** Words that are not options. */
    public List<String> positional() {
        return positional;
    }
}
