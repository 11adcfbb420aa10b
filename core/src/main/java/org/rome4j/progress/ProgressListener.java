package org.rome4j.progress;

/**
 * Receives progress of a long operation (statistics, dataset traces, evaluation). Called on the
 * worker thread; keep it cheap. Cancellation is separate: operations take a {@code BooleanSupplier}
 * or check {@link Thread#isInterrupted()}.
 */
@FunctionalInterface
public interface ProgressListener {
    /** Ignores every update. */
    ProgressListener NONE = (done, total, message) -> { };

    /**
     * @param done    units finished so far
     * @param total   units in all, or -1 when unknown
     * @param message what is being done, one short line
     */
    void update(long done, long total, String message);
}
