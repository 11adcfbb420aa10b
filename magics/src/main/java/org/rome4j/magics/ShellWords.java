package org.rome4j.magics;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a magic's argument line into words the way a shell would: whitespace separates words,
 * double or single quotes group them, a backslash escapes the next character inside double quotes
 * and outside quotes.
 *
 * <pre>{@code
 * ShellWords.split("\"The Space Needle is in\" --subject 'Space Needle'")
 *     // [The Space Needle is in, --subject, Space Needle]
 * }</pre>
 */
public final class ShellWords {
    private ShellWords() { }

    /**
     * The words of a line.
     *
     * @throws MagicException if a quote is not closed
     */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    char n = line.charAt(++i);
                    cur.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
                inWord = true;
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new MagicException("unclosed " + (quote == '"' ? "double" : "single") + " quote in: " + line.strip()
                    + "; close it or escape it with \\" + quote);
        }
        if (inWord) out.add(cur.toString());
        return out;
    }
}
