package org.rome4j.model;

/**
 * A model could not be loaded: missing directory or file, unsupported format, wrong tensor shape,
 * corrupt checkpoint. The message is one line that names the problem and the fix.
 */
public class ModelLoadException extends RuntimeException {
    /** @param message the problem and the fix, one line */
    public ModelLoadException(String message) {
        super(message);
    }

    /** @param message the problem and the fix, one line; @param cause the underlying failure */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
