package org.rome4j.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --out}: where a long command writes. A file for {@code stats}; a folder for {@code trace-dataset} and
 * {@code eval}, which resume from what an earlier run with the same folder left there.
 */
public final class OutOption {
    @Option(names = "--out", paramLabel = "PATH", required = true,
            description = "where results are written: the .npz of stats, or the folder of trace-dataset and eval "
                    + "(rerun with the same folder to resume)")
    Path out;

    /** The path. */
    public Path path() {
        return out;
    }
}
