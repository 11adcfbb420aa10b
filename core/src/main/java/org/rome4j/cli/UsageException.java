package org.rome4j.cli;

/** Bad command-line input: the CLI prints the message on one line and exits with status 2. */
public class UsageException extends RuntimeException {
    /** @param message the problem and the fix, one line */
    public UsageException(String message) {
        super(message);
    }
}
