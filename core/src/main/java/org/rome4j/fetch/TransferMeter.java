package org.rome4j.fetch;

import java.io.PrintStream;

/**
 * Progress of one transfer on stderr: bytes so far of the total, rate and time left, at most every
 * {@code everyNanos} (and once at the end), so a log stays readable.
 */
final class TransferMeter {
    private final PrintStream log;
    private final String name;
    private final long everyNanos;
    private final long start = System.nanoTime();
    private final long resumedFrom;
    private long last = start;

    TransferMeter(PrintStream log, String name, long resumedFrom, long everyNanos) {
        this.log = log;
        this.name = name;
        this.resumedFrom = resumedFrom;
        this.everyNanos = everyNanos;
    }

    /** Reports {@code done} of {@code total} bytes (-1 when unknown) if enough time passed or {@code force}. */
    void update(long done, long total, boolean force) {
        long now = System.nanoTime();
        if (log == null || (!force && now - last < everyNanos)) return;
        last = now;
        log.println("  " + line(name, done, total, done - resumedFrom, (now - start) / 1e9));
    }

    /** "name: 12.0 / 64.0 MB (19%), 5.1 MB/s, 0:10 left" ({@code fresh} bytes came in {@code seconds}). */
    static String line(String name, long done, long total, long fresh, double seconds) {
        double rate = seconds > 0 ? fresh / seconds : 0;
        StringBuilder s = new StringBuilder(name).append(": ").append(mb(done));
        if (total > 0) s.append(" / ").append(mb(total));
        s.append(" MB");
        if (total > 0) s.append(String.format(" (%d%%)", done * 100 / total));
        if (rate > 0) s.append(String.format(", %.1f MB/s", rate / 1e6));
        if (total > 0 && rate > 0 && done < total) s.append(", ").append(clock((total - done) / rate)).append(" left");
        return s.toString();
    }

    private static String mb(long bytes) {
        return String.format("%.1f", bytes / 1e6);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
