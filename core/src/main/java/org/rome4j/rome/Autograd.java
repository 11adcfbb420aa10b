package org.rome4j.rome;

import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The engine allows one {@link GradientCollector} open per process; every gradient computation in
 * rome4j goes through {@link #run}, which holds a process-wide lock while one is open.
 */
public final class Autograd {
    /** Held while a gradient collector is open. */
    public static final ReentrantLock LOCK = new ReentrantLock();

    private Autograd() { }

    /** Runs {@code body} with a fresh gradient collector, under the process-wide lock. */
    public static <T> T run(Function<GradientCollector, T> body) {
        LOCK.lock();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            return body.apply(gc);
        } finally {
            LOCK.unlock();
        }
    }
}
