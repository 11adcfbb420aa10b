package org.rome4j.io;

import java.nio.file.Path;

/** The user's cache folders, as the XDG convention and rome4j's own variable place them; never inside a checkout. */
public final class CacheDirs {
    private CacheDirs() { }

    /** {@code $XDG_CACHE_HOME}, else {@code ~/.cache}. */
    public static Path user() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    }

    /**
     * rome4j's {@code part} folder: {@code -Drome4j.cache=DIR} (a kernel or a test sets it), else {@code $ROME4J_CACHE},
     * else {@code user()/rome4j}; then {@code /part}. Every cache (statistics, data sets, traces, the embedded models)
     * is found through here, so one setting moves all of them.
     */
    public static Path rome4j(String part) {
        String prop = System.getProperty("rome4j.cache");
        if (prop != null && !prop.isBlank()) return Path.of(prop, part);
        String own = System.getenv("ROME4J_CACHE");
        return own != null && !own.isBlank() ? Path.of(own, part) : user().resolve("rome4j").resolve(part);
    }
}
