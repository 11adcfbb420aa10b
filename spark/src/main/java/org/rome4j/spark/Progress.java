package org.rome4j.spark;

import org.apache.spark.util.LongAccumulator;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Driver-side progress of a job: items done (as tasks finish and report their accumulator), rate and
 * ETA, logged every few seconds and once at the end. The Spark UI shows the stages.
 */
final class Progress implements AutoCloseable {
    private final String job;
    private final String unit;
    private final long total;
    private final LongAccumulator done;
    private final PrintStream log;
    private final long t0 = System.nanoTime();
    private final Thread thread;

    Progress(String job, String unit, long total, long skipped, LongAccumulator done, double everySeconds, PrintStream log) {
        this.job = job;
        this.unit = unit;
        this.total = total;
        this.done = done;
        this.log = log;
        log.printf(Locale.ROOT, "[%s] %d %s to do, %d already written (resumed)%n", job, total, unit, skipped);
        this.thread = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep((long) (everySeconds * 1000));
                    line();
                }
            } catch (InterruptedException e) {
                // closed
            }
        }, "rome4j-progress");
        thread.setDaemon(true);
        if (total > 0) thread.start();
    }

    private void line() {
        long d = done.value();
        double secs = (System.nanoTime() - t0) / 1e9;
        double rate = d / Math.max(secs, 1e-9);
        String eta = d == 0 ? "unknown" : String.format(Locale.ROOT, "%.0f s", (total - d) / rate);
        log.printf(Locale.ROOT, "[%s] %d/%d %s, %.2f %s/s, ETA %s%n", job, d, total, unit, rate, unit, eta);
    }

    @Override
    public void close() {
        thread.interrupt();
        if (total > 0) line();
    }
}
