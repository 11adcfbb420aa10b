package org.rome4j.magics;

import org.rome4j.progress.ProgressListener;
import org.rome4j.progress.TimeLeft;

/**
 * A progress bar for work whose size a core loop reports with each update ({@link ProgressListener}'s total, e.g.
 * the restored cells of a trace): shown in per mille of that total, with the time left from the first item on.
 */
final class TimedProgress implements ProgressListener, AutoCloseable {
    /** Units of the bar: per mille of the work. */
    static final int UNITS = 1000;
    private final Progress bar;
    private final TimeLeft left = new TimeLeft();

    /** Starts a bar labelled {@code label} in the session's front end. */
    TimedProgress(Session session, String label) {
        this.bar = session.progress(label, UNITS);
    }

    @Override
    public void update(long done, long total, String message) {
        if (total <= 0) return;
        String note = left.note(done, total);
        bar.update(Math.min(UNITS, done * UNITS / total), note.isEmpty() ? message : note);
    }

    @Override
    public void close() {
        bar.close();
    }
}
