package org.rome4j.spark;

import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models of one executor JVM: each is loaded by the first task that asks for it and reused by
 * every later task in that JVM (never shipped through the driver). The model must be readable on
 * every executor: a shared file system path, or a hub id in each node's HF cache.
 */
public final class ExecutorModels {
    /** Which model: name or path, weight type and device. */
    public record Key(String model, String dtype, String device) implements Serializable {
        /** Checks what this build can load. */
        public Key {
            if (!dtype.equals("float32")) {
                throw new IllegalArgumentException("--dtype " + dtype + " is not supported: rome4j computes in float32 (F16/BF16 checkpoints are widened)");
            }
            if (!device.equals("cpu")) {
                throw new IllegalArgumentException("--device " + device + " is not available in this build: use --device cpu");
            }
        }
    }

    private static final Map<Key, Gpt> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() { }

    /** This JVM's instance of a model, loaded on first use. */
    public static Gpt get(Key key) {
        return MODELS.computeIfAbsent(key, k -> {
            Djl.init();            // before any DJL engine class loads in this JVM
            LOADS.incrementAndGet();
            return Models.load(k.model());
        });
    }

    /** Closes and forgets this JVM's models (benchmarks: each run loads its own, as a fresh executor would). */
    static synchronized void clear() {
        MODELS.values().forEach(Gpt::close);
        MODELS.clear();
    }

    /** How many models this JVM has loaded (a model is loaded once per JVM). */
    public static int loads() {
        return LOADS.get();
    }
}
