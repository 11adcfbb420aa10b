package org.rome4j.io;

import java.nio.file.Path;

/**
 * Names from outside (a data set name, an hparams field, a module template, a shard listed in an index) that
 * become part of a path: each must be one plain file name, so the path it makes stays inside its folder. Checked
 * before anything is read or written; the refusal names the field, never the contents of a file.
 */
public final class PathNames {
    private PathNames() { }

    /**
     * {@code name} when it is one plain path element (not empty, not {@code .} or {@code ..}, no {@code /}, {@code \}
     * or control character).
     *
     * @param what what the name is, for the message (e.g. "hparams mom2_dataset")
     * @throws IllegalArgumentException otherwise
     */
    public static String element(String name, String what) {
        boolean bad = name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.length() > 255
                || name.chars().anyMatch(c -> c == '/' || c == '\\' || c < 0x20 || c == 0x7f);
        if (bad) {
            throw new IllegalArgumentException(what + " \"" + printable(name) + "\" cannot name a file: use a plain name without "
                    + "'/', '\\\\' or '..'");
        }
        return name;
    }

    /**
     * {@code dir.resolve(relative)} when the result lies inside {@code dir} (after normalisation; symbolic links are
     * the folder owner's business).
     *
     * @throws IllegalArgumentException when it would lie outside
     */
    public static Path inside(Path dir, String relative, String what) {
        Path base = dir.toAbsolutePath().normalize();
        Path p = base.resolve(relative).normalize();
        if (relative.isEmpty() || !p.startsWith(base) || p.equals(base)) {
            throw new IllegalArgumentException(what + " \"" + printable(relative) + "\" points outside " + dir
                    + ": only files inside that folder are read");
        }
        return p;
    }

    private static String printable(String s) {
        if (s == null) return "";
        String t = s.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return t.length() > 80 ? t.substring(0, 80) + "..." : t;
    }
}
