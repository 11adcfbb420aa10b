package org.rome4j.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --stats}: a file of ROME's key statistics for the edited layer ({@code edit}, {@code eval}, {@code %rome_edit}). */
public final class StatsFileOption {
    @Option(names = "--stats", paramLabel = "F.npz", description = "key statistics (from rome4j stats; .npz in the original's layout, "
            + "or a .npy of C^-1) (default: the cache under --stats-dir; for the embedded models computed from the text they were trained on)")
    Path stats;

    /** The file, or null. */
    public Path path() {
        return stats;
    }
}
