package org.rome4j.kernel;

import java.nio.charset.StandardCharsets;

/**
 * Finds a string literal (or text block) too long for a class file: javac can compile it but not store it (a constant
 * holds at most 65535 bytes), and JShell then drops the snippet without a word. The cell is refused in one line instead.
 */
final class LongLiterals {
    /** The most bytes one constant of a class file holds. */
    static final int MAX_BYTES = 65_535;

    private LongLiterals() { }

    /** The UTF-8 length of the first literal in {@code code} longer than {@link #MAX_BYTES}, or -1 when none is. */
    static int find(String code) {
        int n = code.length();
        int i = 0;
        while (i < n) {
            char c = code.charAt(i);
            if (c == '/' && i + 1 < n && code.charAt(i + 1) == '/') {
                while (i < n && code.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '\'') {
                i = skipQuoted(code, i, '\'');
            } else if (code.startsWith("\"\"\"", i)) {
                int end = code.indexOf("\"\"\"", i + 3);
                int stop = end < 0 ? n : end;
                int bytes = code.substring(i + 3, stop).getBytes(StandardCharsets.UTF_8).length;
                if (bytes > MAX_BYTES) return bytes;
                i = end < 0 ? n : end + 3;
            } else if (c == '"') {
                int end = skipQuoted(code, i, '"');
                // escapes count as written: an upper bound close enough to refuse with (\\n is one byte, written as two)
                int bytes = code.substring(i + 1, Math.max(i + 1, end - 1)).getBytes(StandardCharsets.UTF_8).length;
                if (bytes > MAX_BYTES) return bytes;
                i = end;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** The index after the closing quote (or the end of the line when it is missing). */
    private static int skipQuoted(String code, int open, char quote) {
        int i = open + 1;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else if (c == '\n') {
                return i;
            } else {
                i++;
            }
        }
        return code.length();
    }
}
