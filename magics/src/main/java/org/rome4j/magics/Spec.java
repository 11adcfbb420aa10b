package org.rome4j.magics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a magic accepts: positional arguments, {@code --option VALUE} (or {@code --option=VALUE})
 * and boolean {@code --flag}s, each with a line of help. {@link #parse} turns words into
 * {@link Parsed} arguments or a one-line {@link MagicException}; {@code --help} (or {@code -h})
 * anywhere asks for {@link #help()}.
 *
 * <pre>{@code
 * Spec spec = new Spec("generate", "Continue a prompt with the current model.")
 *     .positional("prompt", "the text to continue", true)
 *     .option("max-new-tokens", "N", "20", "tokens to generate")
 *     .flag("compare", "show edited and original model side by side");
 * Parsed p = spec.parse(Tokenizer.split("\"The Eiffel Tower is in\" --max-new-tokens 5"));
 * p.positional(0);              // "The Eiffel Tower is in"
 * p.getInt("max-new-tokens", 1, 1000);   // 5
 * }</pre>
 */
public final class Spec {
    private record Pos(String name, String help, boolean required) { }

    private record Opt(String name, String metavar, String defaultValue, String help, boolean flag) { }

    private final String name;
    private final String summary;
    private final List<Pos> positionals = new ArrayList<>();
    private final Map<String, Opt> options = new LinkedHashMap<>();
    private final List<String> examples = new ArrayList<>();
    private boolean cell;
    private String bodyHelp;

    /** A spec for magic {@code name} (without %), with a one-sentence summary. */
    public Spec(String name, String summary) {
        this.name = name;
        this.summary = summary;
    }

    /** A positional argument; optional ones must come after required ones. */
    public Spec positional(String argName, String help, boolean required) {
        positionals.add(new Pos(argName, help, required));
        return this;
    }

    /** An option taking a value; {@code defaultValue} may be null (no default). */
    public Spec option(String optName, String metavar, String defaultValue, String help) {
        options.put(optName, new Opt(optName, metavar, defaultValue, help, false));
        return this;
    }

    /** A boolean flag. */
    public Spec flag(String flagName, String help) {
        options.put(flagName, new Opt(flagName, null, null, help, true));
        return this;
    }

    /**
     * Adds the options of a picocli-declared group ({@link org.rome4j.options}), with the declaration's labels,
     * defaults and help, so the CLI and the magic describe them from one place.
     */
    public Spec options(Object declared) {
        for (picocli.CommandLine.Model.OptionSpec o : org.rome4j.options.Declared.spec(declared).options()) {
            String n = org.rome4j.options.Declared.name(o);
            if (org.rome4j.options.Declared.isFlag(o)) {
                flag(n, org.rome4j.options.Declared.description(o));
            } else {
                option(n, o.paramLabel(), org.rome4j.options.Declared.defaultText(o), org.rome4j.options.Declared.description(o));
            }
        }
        return this;
    }

    /** Adds a group of options shared by several magics. */
    public Spec with(java.util.function.UnaryOperator<Spec> options) {
        return options.apply(this);
    }

    /** An example line shown in the help. */
    public Spec example(String line) {
        examples.add(line);
        return this;
    }

    /** Marks this a cell magic ({@code %%name}) whose body is described by {@code help}. */
    public Spec cellBody(String help) {
        this.cell = true;
        this.bodyHelp = help;
        return this;
    }

    /** The magic's name, without %. */
    public String name() {
        return name;
    }

    /** The options it accepts, as typed ({@code --layer}, ... and {@code --help}), for completion. */
    public List<String> optionNames() {
        List<String> out = new ArrayList<>();
        for (String o : options.keySet()) out.add("--" + o);
        out.add("--help");
        return out;
    }

    /** The magic as typed: {@code %name} or {@code %%name}. */
    public String invocation() {
        return (cell ? "%%" : "%") + name;
    }

    /** One-line usage, e.g. {@code %generate PROMPT [--max-new-tokens N] [--compare]}. */
    public String usage() {
        StringBuilder sb = new StringBuilder(invocation());
        for (Pos p : positionals) {
            sb.append(' ').append(p.required ? p.name.toUpperCase() : "[" + p.name.toUpperCase() + "]");
        }
        for (Opt o : options.values()) {
            sb.append(" [--").append(o.name).append(o.flag ? "" : " " + o.metavar).append(']');
        }
        return sb.toString();
    }

    /** The full help text: usage, summary, arguments, options with defaults, examples. */
    public String help() {
        StringBuilder sb = new StringBuilder("usage: ").append(usage()).append("\n\n").append(summary).append('\n');
        if (cell) {
            sb.append("\nbody: ").append(bodyHelp).append('\n');
        }
        if (!positionals.isEmpty()) {
            sb.append("\narguments:\n");
            for (Pos p : positionals) {
                sb.append(String.format("  %-24s %s%n", p.name.toUpperCase(), p.help));
            }
        }
        sb.append("\noptions:\n");
        for (Opt o : options.values()) {
            String left = "--" + o.name + (o.flag ? "" : " " + o.metavar);
            String def = o.defaultValue == null ? "" : " (default: " + o.defaultValue + ")";
            sb.append(String.format("  %-24s %s%s%n", left, o.help, def));
        }
        sb.append(String.format("  %-24s %s%n", "--help", "show this help"));
        if (!examples.isEmpty()) {
            sb.append("\nexamples:\n");
            for (String e : examples) sb.append("  ").append(e).append('\n');
        }
        return sb.toString();
    }

    /**
     * Parses words.
     *
     * @throws MagicException naming the bad word and what was expected
     */
    public Parsed parse(List<String> words) {
        List<String> pos = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        boolean help = false;
        boolean onlyPositional = false;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!onlyPositional && (w.equals("--help") || w.equals("-h"))) {
                help = true;
            } else if (!onlyPositional && w.equals("--")) {
                onlyPositional = true;
            } else if (!onlyPositional && w.startsWith("--") && w.length() > 2) {
                String key = w.substring(2);
                String inline = null;
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    inline = key.substring(eq + 1);
                    key = key.substring(0, eq);
                }
                Opt o = options.get(key);
                if (o == null) {
                    throw new MagicException(invocation() + ": unknown option --" + key + closest(key) + "; see "
                            + invocation() + " --help");
                }
                if (o.flag) {
                    if (inline != null) {
                        throw new MagicException(invocation() + ": --" + key + " is a flag and takes no value");
                    }
                    values.put(key, "true");
                } else if (inline != null) {
                    values.put(key, inline);
                } else {
                    if (i + 1 >= words.size()) {
                        throw new MagicException(invocation() + ": --" + key + " needs a value (" + o.metavar + ")");
                    }
                    values.put(key, words.get(++i));
                }
            } else {
                pos.add(w);
            }
        }
        if (help) {
            return new Parsed(this, List.of(), Map.of(), true);
        }
        if (pos.size() > positionals.size()) {
            throw new MagicException(invocation() + ": unexpected argument \"" + pos.get(positionals.size())
                    + "\"" + (positionals.isEmpty() ? " (it takes no positional arguments)" : "")
                    + "; quote text with spaces; usage: " + usage());
        }
        for (int i = pos.size(); i < positionals.size(); i++) {
            if (positionals.get(i).required) {
                throw new MagicException(invocation() + ": missing " + positionals.get(i).name.toUpperCase()
                        + " (" + positionals.get(i).help + "); usage: " + usage());
            }
        }
        Map<String, String> all = new LinkedHashMap<>();
        for (Opt o : options.values()) {
            if (o.defaultValue != null) all.put(o.name, o.defaultValue);
        }
        all.putAll(values);
        return new Parsed(this, pos, all, false);
    }

    private String closest(String key) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : options.keySet()) {
            int d = distance(k, key);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best != null && bestD <= Math.max(2, key.length() / 3) ? " (did you mean --" + best + "?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Parsed arguments: positionals by index, options by name (defaults filled in). */
    public static final class Parsed {
        private final Spec spec;
        private final List<String> positional;
        private final Map<String, String> values;
        private final boolean help;

        private Parsed(Spec spec, List<String> positional, Map<String, String> values, boolean help) {
            this.spec = spec;
            this.positional = List.copyOf(positional);
            this.values = Map.copyOf(values);
            this.help = help;
        }

        /** Whether {@code --help} was given. */
        public boolean help() {
            return help;
        }

        /** The i-th positional argument, or null if absent. */
        public String positional(int i) {
            return i < positional.size() ? positional.get(i) : null;
        }

        /** Whether an option has a value (given or default). */
        public boolean has(String opt) {
            return values.containsKey(opt);
        }

        /** An option's value (or its default), or null. */
        public String get(String opt) {
            return values.get(opt);
        }

        /** The text arguments (the prompt, --subject, --target, --true, --expect), to check against the vocabulary. */
        public List<String> texts() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < positional.size() && i < spec.positionals.size(); i++) {
                if (spec.positionals.get(i).name().equals("prompt")) out.add(positional.get(i).replace("{}", ""));
            }
            for (String o : List.of("subject", "target", "true", "expect", "prompt")) {
                if (values.containsKey(o) && spec.options.containsKey(o) && !spec.options.get(o).flag()) out.add(values.get(o));
            }
            return out;
        }

        /** Whether a flag was given. */
        public boolean flag(String opt) {
            return "true".equals(values.get(opt));
        }

        /**
         * An integer option in [min, max].
         *
         * @throws MagicException if it is not an integer or out of range
         */
        public int getInt(String opt, int min, int max) {
            String v = values.get(opt);
            if (v == null) {
                throw new MagicException(spec.invocation() + ": --" + opt + " is required");
            }
            int n;
            try {
                n = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new MagicException(spec.invocation() + ": --" + opt + " must be an integer, got \"" + v + "\"");
            }
            if (n < min || n > max) {
                throw new MagicException(spec.invocation() + ": --" + opt + " must be between " + min + " and " + max
                        + ", got " + n);
            }
            return n;
        }

        /**
         * A number option in [min, max].
         *
         * @throws MagicException if it is not a number or out of range
         */
        public double getDouble(String opt, double min, double max) {
            String v = values.get(opt);
            if (v == null) {
                throw new MagicException(spec.invocation() + ": --" + opt + " is required");
            }
            double d;
            try {
                d = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new MagicException(spec.invocation() + ": --" + opt + " must be a number, got \"" + v + "\"");
            }
            if (!(d >= min && d <= max)) {
                throw new MagicException(spec.invocation() + ": --" + opt + " must be between " + min + " and " + max
                        + ", got " + v);
            }
            return d;
        }

        /**
         * An option restricted to a set of words.
         *
         * @throws MagicException if the value is not one of them
         */
        public String getChoice(String opt, List<String> choices) {
            String v = values.get(opt);
            if (v == null || !choices.contains(v)) {
                throw new MagicException(spec.invocation() + ": --" + opt + " must be one of " + String.join("|", choices)
                        + ", got " + (v == null ? "nothing" : "\"" + v + "\""));
            }
            return v;
        }
    }
}
