package org.rome4j.options;

import picocli.CommandLine.Option;

/** {@code --overwrite}: an existing output may be replaced (never the folder a model was loaded from). */
public final class OverwriteOption {
    @Option(names = "--overwrite", description = "replace an existing output file or model folder (never the folder the model was loaded from)")
    boolean overwrite;

    /** Whether it was given. */
    public boolean overwrite() {
        return overwrite;
    }
}
