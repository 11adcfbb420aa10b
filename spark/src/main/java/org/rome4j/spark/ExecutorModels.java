package org.rome4j.spark;

import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.Devices;
import org.rome4j.model.Models;
import org.rome4j.model.WeightType;

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
        /** Checks the words on the driver, so a typo is one line before any executor starts. */
        public Key {
            try {
                WeightType.parse(dtype);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--dtype: " + e.getMessage(), e);
            }
            try {
                Devices.parse(device);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--device: " + e.getMessage(), e);
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
            return Models.load(k.model(), WeightType.parse(k.dtype()), Devices.parse(k.device()));   // the device is checked against this executor's libtorch
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
