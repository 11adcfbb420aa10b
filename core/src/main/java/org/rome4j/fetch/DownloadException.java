package org.rome4j.fetch;

/** A download that failed: one line naming the URL and what to do. Nothing incomplete is left under the final name. */
public final class DownloadException extends RuntimeException {
    /** A failure with its one-line message. */
    public DownloadException(String message) {
        super(message);
    }
}
