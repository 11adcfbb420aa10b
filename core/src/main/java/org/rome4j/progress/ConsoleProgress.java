package org.rome4j.progress;

import java.io.PrintStream;

/**
 * A {@link ProgressListener} that keeps one status line on a terminal stream (stderr in the CLI): items
 * done of the total, percent, rate and the estimated time left, from the rate since the first update
 * (so a resumed run's estimate counts only what it computes itself). At most a few lines a second;
 * {@link #finish()} ends the line.
 *
 * <pre>{@code
 * ConsoleProgress p = new ConsoleProgress(System.err, "documents");
 * collector.optListener(p).collectLayers(corpus, 100_000, 1);
 * p.finish();
 * }</pre>
 */
public final class ConsoleProgress implements ProgressListener {
    private static final long MIN_INTERVAL_NANOS = 250_000_000L;
    private final PrintStream out;
    private final String unit;
    private final long clockStart = System.nanoTime();
    private long startDone = -1;
    private long lastPrint;
    private boolean printed;

    /**
     * @param out  where the line goes
     * @param unit what is counted, e.g. {@code documents}
     */
    public ConsoleProgress(PrintStream out, String unit) {
        this.out = out;
        this.unit = unit;
    }

    @Override
    public void update(long done, long total, String message) {
        long now = System.nanoTime();
        if (startDone < 0) startDone = done;
        if (printed && now - lastPrint < MIN_INTERVAL_NANOS && (total < 0 || done < total)) return;
        lastPrint = now;
        printed = true;
        out.print("\r" + line(done, total, (now - clockStart) / 1e9, done - startDone, message) + "\u001b[K");
        out.flush();
    }

    /** Ends the status line. */
    public void finish() {
        if (printed) out.println();
        printed = false;
    }

    /** The status line: {@code 1200/100000 documents (1.2%), 35.1/s, 0:46:58 left · message}. */
    String line(long done, long total, double seconds, long doneHere, String message) {
        StringBuilder b = new StringBuilder().append(done);
        if (total > 0) b.append('/').append(total);
        b.append(' ').append(unit);
        if (total > 0) b.append(String.format(" (%.1f%%)", 100.0 * done / total));
        double rate = seconds > 0 ? doneHere / seconds : 0;
        if (doneHere > 0) {
            b.append(String.format(", %.1f/s", rate));
            if (total > 0 && done < total) b.append(", ").append(clock((total - done) / rate)).append(" left");
        }
        if (message != null && !message.isEmpty()) b.append(" · ").append(message);
        return b.toString();
    }

    /** {@code h:mm:ss}. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
