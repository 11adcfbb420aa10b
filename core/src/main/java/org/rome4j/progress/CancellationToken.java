package org.rome4j.progress;

import java.util.concurrent.CancellationException;

/**
 * A flag another thread (a notebook's interrupt button, a CLI signal handler) sets to stop a long
 * operation between items. Work already cached on disk stays, so a later run resumes.
 *
 * <pre>{@code
 * CancellationToken cancel = new CancellationToken();
 * executor.submit(() -> DatasetTrace.builder(gpt).setFacts(facts).optCancellation(cancel).build().run());
 * cancel.cancel();   // the run throws CancellationException at its next check
 * }</pre>
 */
public final class CancellationToken {
    /** A token that is never cancelled. */
    public static final CancellationToken NONE = new CancellationToken();

    private volatile boolean cancelled;

    /** Requests cancellation. */
    public void cancel() {
        if (this == NONE) {
            throw new UnsupportedOperationException("CancellationToken.NONE cannot be cancelled; create a new CancellationToken");
        }
        cancelled = true;
    }

    /** Whether cancellation was requested. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Whether cancellation was requested or the thread was interrupted: the check between items. */
    public boolean isRequested() {
        return cancelled || Thread.currentThread().isInterrupted();
    }

    /**
     * Throws if cancellation was requested or the thread was interrupted.
     *
     * @param what the operation, for the message (e.g. "dataset trace")
     * @throws CancellationException naming the operation and how far it got
     */
    public void check(String what) {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            throw new CancellationException(what + " cancelled" + (cancelled ? "" : " (thread interrupted)")
                    + "; results cached so far are kept, run it again to resume");
        }
    }
}
