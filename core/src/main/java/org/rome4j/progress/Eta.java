package org.rome4j.progress;

import java.util.Locale;

/**
 * The estimated time left of a long loop, from the items it computed itself: items read back from a
 * cache on resume take no time and would make the estimate far too short, so they are not counted.
 *
 * <pre>{@code
 * Eta eta = new Eta();
 * long t0 = System.nanoTime();
 * compute(item);
 * eta.computed(System.nanoTime() - t0);
 * listener.update(done, total, "case 7" + eta.suffix(total - done));   // "case 7, ETA 1h05m"
 * }</pre>
 */
public final class Eta {
    private long items;
    private long nanos;

    /** Counts one computed item that took {@code elapsedNanos}. */
    public void computed(long elapsedNanos) {
        items++;
        nanos += elapsedNanos;
    }

    /** {@code ", ETA 12m05s"} for {@code left} more items at the mean time per computed item; empty before the first. */
    public String suffix(long left) {
        if (items == 0 || left <= 0) return "";
        return ", ETA " + format(Math.round(nanos / 1e9 / items * left));
    }

    /** Seconds as {@code 45s}, {@code 12m05s} or {@code 3h07m}. */
    static String format(long s) {
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
