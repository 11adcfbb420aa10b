package org.rome4j.magics;

/**
 * A bad magic invocation: one line naming what was wrong and how to fix it. The kernel shows the
 * message alone (no stack trace) and stays up.
 */
public class MagicException extends IllegalArgumentException {
    /** A one-line message, e.g. {@code %generate: --max-new-tokens must be an integer, got "ten"}. */
    public MagicException(String message) {
        super(message);
    }
}
