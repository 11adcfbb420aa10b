package org.rome4j.magics;

import org.rome4j.progress.ProgressListener;

/**
 * A live progress report for long work (a bar in a notebook). Closing it marks the work finished.
 *
 * <pre>{@code
 * try (Progress p = session.progress("statistics", n)) {
 *     for (int i = 0; i < n; i++) { Session.checkInterrupted(); work(i); p.update(i + 1); }
 * }
 * }</pre>
 */
public interface Progress extends ProgressListener, AutoCloseable {
    /** A progress that shows nothing. */
    Progress NONE = new Progress() {
        @Override
        public void update(long done, String note) { }

        @Override
        public void close() { }
    };

    /** {@code done} of the total units are finished; {@code note} may be null. */
    void update(long done, String note);

    /** As a core {@link ProgressListener} (the total was given when the report started). */
    @Override
    default void update(long done, long total, String message) {
        update(done, message);
    }

    /** {@code done} of the total units are finished. */
    default void update(long done) {
        update(done, null);
    }

    @Override
    void close();

    /** Where progress is shown: a kernel implements it with an updatable display. */
    interface Sink {
        /** Starts a progress report of {@code total} units. */
        Progress start(String label, long total);
    }
}
