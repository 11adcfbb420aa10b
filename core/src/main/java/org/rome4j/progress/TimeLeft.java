package org.rome4j.progress;

/**
 * The time left of a loop, from its rate since it started: {@code "0:00:12 left"}, shown from the first finished
 * item on (before it there is no rate). For progress bars whose work is uniform (restored cells of a trace, ROME's
 * optimisation steps, evaluation cases); a loop that resumes from a cache uses {@link Eta}, which counts only the
 * items it computes.
 *
 * <pre>{@code
 * TimeLeft left = new TimeLeft();
 * for (int i = 0; i < n; i++) { work(i); bar.update(i + 1, left.note(i + 1, n)); }
 * }</pre>
 */
public final class TimeLeft {
    private final long start;
    private final java.util.function.LongSupplier clock;

    /** Starts the clock now. */
    public TimeLeft() {
        this(System::nanoTime);
    }

    /** Starts the clock now, read from {@code nanoClock} (tests pass a fake one). */
    public TimeLeft(java.util.function.LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** {@code "0:01:05 left"} after {@code done} of {@code total} items, or "" before the first item and once all are done. */
    public String note(long done, long total) {
        if (done <= 0 || total <= 0 || done >= total) return "";
        double seconds = (clock.getAsLong() - start) / 1e9;
        return ConsoleProgress.clock(seconds / done * (total - done)) + " left";
    }
}
