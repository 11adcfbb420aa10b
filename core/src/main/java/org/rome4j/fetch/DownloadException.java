package org.rome4j.fetch;

/** A download that failed: one line naming the URL and what to do. Nothing incomplete is left under the final name. */
public final class DownloadException extends RuntimeException {
    private final int status;

    /** A failure with its one-line message. */
    public DownloadException(String message) {
        this(message, 0);
    }

    /** A failure the server answered with HTTP {@code status}. */
    public DownloadException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status that caused it, or 0 when it was not an HTTP error answer. */
    public int status() {
        return status;
    }
}
