package org.rome4j.kernel;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a cell with magics into plain Java. A line magic may stand alone or be the right-hand side
 * of a declaration or assignment, and runs to the end of its line:
 *
 * <pre>
 * %load_model                           →  ((ModelInfo) Notebook.line("load_model", ""));
 * var lens = %logit_lens "The Eiffel"   →  var lens = ((LogitLens) Notebook.line("logit_lens", "\"The Eiffel\""));
 * </pre>
 *
 * The cast to the magic's result type makes {@code var} bind the real type. A cell magic
 * ({@code %%name args} on the first line) becomes one call with the rest of the cell as its body.
 */
final class CellSource {
    /** A line magic: optional declaration/assignment/return, then %name and its arguments. */
    private static final Pattern LINE = Pattern.compile(
            "^(?<prefix>\\s*(?:(?:final\\s+)?[\\w.$<>\\[\\],? ]+?\\s*=\\s*|return\\s+)?)%(?<name>[A-Za-z_][\\w-]*)(?<args>(?:\\s.*)?)$");
    private static final Pattern CELL = Pattern.compile("^\\s*%%(?<name>[A-Za-z_][\\w-]*)(?<args>[^\\n]*)(?:\\n(?<body>[\\s\\S]*))?$");

    private final Predicate<String> isLineMagic;
    private final Function<String, Optional<String>> resultType;

    /**
     * @param isLineMagic whether a name is a known line magic (unknown {@code %x} stays Java, e.g. {@code a %b})
     * @param resultType  a magic's result class name, when it has one
     */
    CellSource(Predicate<String> isLineMagic, Function<String, Optional<String>> resultType) {
        this.isLineMagic = isLineMagic;
        this.resultType = resultType;
    }

    /** A cell magic's parts, if the cell is one. */
    record CellMagic(String name, String args, String body) { }

    /** The cell magic this cell is, if its first line is {@code %%name}. */
    static Optional<CellMagic> cellMagic(String code) {
        Matcher m = CELL.matcher(code.stripLeading().isEmpty() ? code : code.substring(code.indexOf(code.stripLeading())));
        if (!m.matches()) return Optional.empty();
        String body = m.group("body");
        return Optional.of(new CellMagic(m.group("name"), m.group("args").strip(), body == null ? "" : body));
    }

    /** Java source for a cell, its line magics replaced by calls. */
    String transpile(String code) {
        String[] lines = code.split("\n", -1);
        StringBuilder out = new StringBuilder(code.length() + 64);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            out.append(transpileLine(lines[i]));
        }
        return out.toString();
    }

    /** Java source for a cell magic with the given result type (or none). */
    String cellCall(CellMagic cm) {
        String call = "org.rome4j.kernel.Notebook.cell(" + literal(cm.name()) + ", " + literal(cm.args()) + ", "
                + literal(cm.body()) + ")";
        return cast(cm.name(), cm.args(), call) + ";";
    }

    private String transpileLine(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches() || inString(m.group("prefix"))) {
            return line;
        }
        if (!isLineMagic.test(m.group("name"))) {
            // "%name" where a statement or a right-hand side starts is never Java: say which magics exist
            return m.group("prefix") + "org.rome4j.kernel.Notebook.line(" + literal(m.group("name")) + ", \"\");";
        }
        String args = m.group("args").strip();
        if (args.endsWith(";")) args = args.substring(0, args.length() - 1).stripTrailing();
        String call = "org.rome4j.kernel.Notebook.line(" + literal(m.group("name")) + ", " + literal(args) + ")";
        return m.group("prefix") + cast(m.group("name"), args, call) + ";";
    }

    private String cast(String name, String args, String call) {
        Optional<String> type = resultType.apply(name);
        boolean help = (" " + args + " ").matches("(?s).*\\s(--help|-h)\\s.*");
        return type.isPresent() && !help ? "((" + type.get() + ") " + call + ")" : call;
    }

    /** Blanks magic lines (same length) so JShell's source analysis sees only Java. */
    String blankMagics(String code) {
        if (cellMagic(code).isPresent()) {
            return " ".repeat(code.length());
        }
        String[] lines = code.split("\n", -1);
        StringBuilder out = new StringBuilder(code.length());
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            Matcher m = LINE.matcher(lines[i]);
            if (m.matches() && !inString(m.group("prefix"))) {
                String prefix = m.group("prefix");
                String rest = lines[i].substring(prefix.length());
                out.append(prefix.isBlank() ? " ".repeat(lines[i].length()) : prefix + "null;" + " ".repeat(Math.max(0, rest.length() - 5)));
            } else {
                out.append(lines[i]);
            }
        }
        return out.toString();
    }

    private static boolean inString(String prefix) {
        int quotes = 0;
        for (int i = 0; i < prefix.length(); i++) {
            if (prefix.charAt(i) == '"' && (i == 0 || prefix.charAt(i - 1) != '\\')) quotes++;
        }
        return quotes % 2 == 1;
    }

    /** Characters per literal piece: at most 6 bytes each once escaped, far below a class file constant's 65535. */
    static final int PIECE = 8000;

    /**
     * A Java expression for the string: a literal, or for a long one (a 70 KB prompt) {@code String.join} of literal
     * pieces, which javac does not fold into one constant (a constant is limited to 65535 bytes).
     */
    static String literal(String s) {
        if (s.length() <= PIECE) return piece(s);
        StringBuilder sb = new StringBuilder("String.join(\"\"");
        for (int i = 0; i < s.length(); i += PIECE) {
            int end = Math.min(s.length(), i + PIECE);
            if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) end--;   // keep a surrogate pair in one piece
            sb.append(", ").append(piece(s.substring(i, end)));
            i = end - PIECE;
        }
        return sb.append(')').toString();
    }

    private static String piece(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
