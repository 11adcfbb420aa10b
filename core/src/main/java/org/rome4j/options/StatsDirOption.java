package org.rome4j.options;

import org.rome4j.io.Outputs;
import org.rome4j.rome.KeyStats;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --stats-dir}: the key-statistics cache in the original's layout, where {@code stats} writes and {@code edit} reads. */
public final class StatsDirOption {
    @Option(names = "--stats-dir", paramLabel = "DIR", description = "the statistics cache, in the original's layout "
            + "DIR/{model}/{dataset}_stats/{module}_{precision}_mom2_{N}.npz (default: $ROME4J_CACHE/stats, else ~/.cache/rome4j/stats)")
    Path dir;

    /** The folder given, or null. */
    public Path given() {
        return dir;
    }

    /**
     * That a folder given can hold statistics, checked before a model loads: it is not a file, and it can be created
     * where it is named (its nearest existing ancestor is a writable folder).
     *
     * @throws IllegalArgumentException with a one-line message naming the fix
     */
    public void check() {
        if (dir == null) return;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--stats-dir " + dir + " is a file, not a folder; pass a folder (it is created if missing)");
        }
        Outputs.checkParent(dir);
    }

    /** The folder given, else {@link KeyStats#defaultCacheDir()}. */
    public Path dir() {
        return dir != null ? dir : KeyStats.defaultCacheDir();
    }
}
