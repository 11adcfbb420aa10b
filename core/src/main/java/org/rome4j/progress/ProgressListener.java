package org.rome4j.progress;

/**
 * Receives progress of a long operation (dataset traces, key statistics, evaluation). Called on the
 * thread doing the work, so implementations should return quickly.
 *
 * <pre>{@code
 * ProgressListener log = (done, total, message) -> System.err.printf("%d/%d %s%n", done, total, message);
 * }</pre>
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = (done, total, message) -> { };

    /**
     * @param done    items finished so far (including ones resumed from a cache)
     * @param total   items in all, or -1 if unknown
     * @param message what was just done, one short line
     */
    void update(long done, long total, String message);
}
