package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's weights by HF state-dict name, in one manager that outlives every forward. Weights are
 * never changed in place (loaded ones may be memory-mapped, read-only file pages): an edit swaps in a
 * new array and hands back the old one, so it can be undone exactly.
 */
public final class Parameters implements AutoCloseable {
    private final NDManager manager;
    private final WeightType type;
    private final Map<String, NDArray> byName = new LinkedHashMap<>();
    /** Where {@link #f32} puts widened half weights while one block runs (null: the caller's scope). */
    private NDManager blockScope;

    Parameters(NDManager manager) {
        this(manager, WeightType.F32);
    }

    Parameters(NDManager manager, WeightType type) {
        this.manager = manager;
        this.type = type;
    }

    /** The type the weights are stored in. */
    public WeightType type() {
        return type;
    }

    /**
     * A weight as float32 for computing in {@code scope}: the stored array when it is float32, else an
     * exact widening that lives in {@code scope} (closed with it).
     */
    public NDArray f32(String name, NDManager scope) {
        return f32Of(get(name), scope);
    }

    /** {@link #f32} of a stored array or a slice of one (e.g. some rows of the head). */
    NDArray f32Of(NDArray stored, NDManager scope) {
        return HalfPrecision.widen(stored, type, blockScope != null ? blockScope : scope);
    }

    /**
     * Runs one block with its widened half weights in a manager of their own, freed when the block
     * ends, so a forward holds float32 copies of one layer at a time. Not while gradients are
     * recorded: the backward pass reads them (ROME's v* then keeps every layer's copies until its scope closes).
     */
    <T> T perBlock(NDManager scope, java.util.function.Supplier<T> block) {
        if (type == WeightType.F32 || ai.djl.pytorch.jni.JniUtils.isGradMode()) {
            return block.get();
        }
        try (NDManager m = scope.newSubManager()) {
            blockScope = m;
            return block.get();
        } finally {
            blockScope = null;
        }
    }

    /** The manager the weights live in. */
    public NDManager manager() {
        return manager;
    }

    /** A weight by HF name, in the stored type ({@link #f32} widens it). */
    public NDArray get(String name) {
        NDArray a = byName.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name + ": names look like "
                    + byName.keySet().stream().limit(3).toList());
        }
        return a;
    }

    /** Whether a weight exists. */
    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Every weight, by name, in load order. Read-only view. */
    public Map<String, NDArray> all() {
        return Collections.unmodifiableMap(byName);
    }

    /** Adds a weight at load time; it must already live in {@link #manager()}. */
    void put(String name, NDArray a) {
        byName.put(name, a);
    }

    /**
     * Swaps in a new value for a weight (copied into the weights' manager, rounded to the stored type
     * when the value is float32 and the weights are half) and returns the previous array, still open,
     * so the caller can restore it with another {@code replace}.
     *
     * @throws IllegalArgumentException if the shape differs
     */
    public NDArray replace(String name, NDArray value) {
        NDArray old = get(name);
        if (!old.getShape().equals(value.getShape())) {
            throw new IllegalArgumentException("parameter " + name + " has shape " + old.getShape() + ", new value has "
                    + value.getShape());
        }
        if (value.getDataType() != old.getDataType() || (type == WeightType.BF16 && value.getDataType() == DataType.FLOAT32)) {
            value = HalfPrecision.fromFloat(manager, value.toFloatArray(), value.getShape(), type);
        }
        NDArray copy = value.getManager() == manager ? value : value.duplicate();
        copy.attach(manager);
        byName.put(name, copy);
        return old;
    }

    @Override
    public void close() {
        manager.close();
    }
}
