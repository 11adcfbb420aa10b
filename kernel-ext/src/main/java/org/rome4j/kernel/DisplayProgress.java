package org.rome4j.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.rome4j.magics.Progress;
import org.rome4j.magics.display.Bundles;

import java.util.Locale;
import java.util.UUID;

/** A progress bar in the notebook: one display, updated in place (at most ~8 times a second). */
final class DisplayProgress implements Progress.Sink {
    private final BaseKernel kernel;

    DisplayProgress(BaseKernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public Progress start(String label, long total) {
        String id = "rome4j-progress-" + UUID.randomUUID();
        long t0 = System.nanoTime();
        DisplayData first = data(label, 0, total, null, t0);
        first.setDisplayId(id);
        try {
            kernel.display(first);
        } catch (RuntimeException e) {
            return Progress.NONE;   // not inside a cell: nowhere to show it
        }
        return new Progress() {
            private long lastShown;
            private long done;
            private String note;

            @Override
            public synchronized void update(long d, String n) {
                done = d;
                note = n;
                long now = System.nanoTime();
                if (now - lastShown > 120_000_000L || d >= total) {
                    lastShown = now;
                    show();
                }
            }

            private void show() {
                try {
                    kernel.getIO().display.updateDisplay(id, data(label, done, total, note, t0));
                } catch (RuntimeException ignored) {
                    // the cell ended: nothing to update
                }
            }

            @Override
            public synchronized void close() {
                show();
            }
        };
    }

    private static DisplayData data(String label, long done, long total, String note, long t0) {
        double secs = (System.nanoTime() - t0) / 1e9;
        String frac = total > 0 ? done + "/" + total : String.valueOf(done);
        String text = String.format(Locale.ROOT, "%s: %s (%.1f s)%s", label, frac, secs, note == null ? "" : " " + note);
        DisplayData d = new DisplayData(text);
        d.putHTML("<div class=\"rome4j-progress\"><span>" + Bundles.escape(label) + "</span> <progress value=\"" + done
                + "\" max=\"" + Math.max(1, total) + "\" style=\"width:40%\"></progress> <span>"
                + Bundles.escape(frac + String.format(Locale.ROOT, " (%.1f s)", secs) + (note == null ? "" : " " + note))
                + "</span></div>");
        return d;
    }
}
