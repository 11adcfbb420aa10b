package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of the tokens seen so far, per layer ([B, KVH, past, head width]: grouped kv heads are
 * cached once, not repeated per query head), plus the padding
 * mask of those tokens. Owns its arrays: each step swaps in the longer ones and frees the old.
 * Close it when generation ends.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int[][] mask;

    /** An empty cache for a model with {@code nLayer} blocks. */
    public KvCache(NDManager parent, int nLayer) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[nLayer];
        this.values = new NDArray[nLayer];
    }

    /**
     * A cache holding given keys and values ([B, KVH, past, head width] per layer; null for layers that
     * will not run) and padding mask [B][past]. The arrays are attached to the cache's own manager. Causal
     * tracing builds one from a corrupted run's cache to restart restored runs after an unchanged prefix.
     */
    public static KvCache of(NDManager parent, NDArray[] keys, NDArray[] values, int[][] mask) {
        if (keys.length != values.length || mask.length == 0) {
            throw new IllegalArgumentException("keys and values need one entry per layer and the mask one row per batch row");
        }
        KvCache c = new KvCache(parent, keys.length);
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] == null) continue;
            keys[l].attach(c.manager);
            values[l].attach(c.manager);
            c.keys[l] = keys[l];
            c.values[l] = values[l];
        }
        c.mask = mask;
        return c;
    }

    /** The cached keys of a layer, [B, KVH, past, head width], or null; owned by the cache. */
    public NDArray keys(int layer) {
        return keys[layer];
    }

    /** The cached values of a layer, [B, KVH, past, head width], or null; owned by the cache. */
    public NDArray values(int layer) {
        return values[layer];
    }

    /** Tokens cached so far. */
    public int length() {
        return mask == null ? 0 : mask[0].length;
    }

    /** Padding mask of the cached tokens, per row. */
    int[][] mask() {
        return mask;
    }

    /**
     * Appends this step's keys and values for a layer and returns the full ones, owned by the step's manager
     * (a concatenation joins its first operand's, the cache's, where a read-only prefix would collect them).
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray fullK = k;
        NDArray fullV = v;
        if (keys[layer] != null) {
            fullK = NDArrays.concat(new NDList(keys[layer], k), 2);
            fullV = NDArrays.concat(new NDList(values[layer], v), 2);
            fullK.attach(k.getManager());
            fullV.attach(v.getManager());
        }
        return new NDArray[] {fullK, fullV};
    }

    /** Keeps this step's full keys and values once the step has finished. */
    void commit(int layer, NDArray fullK, NDArray fullV) {
        NDArray oldK = keys[layer];
        NDArray oldV = values[layer];
        fullK.attach(manager);
        fullV.attach(manager);
        keys[layer] = fullK;
        values[layer] = fullV;
        if (oldK != null && oldK != fullK) oldK.close();
        if (oldV != null && oldV != fullV) oldV.close();
    }

    /** Extends the padding mask by a step's mask. */
    void extendMask(int[][] step) {
        if (mask == null) {
            mask = step;
            return;
        }
        int[][] out = new int[mask.length][];
        for (int r = 0; r < mask.length; r++) {
            out[r] = new int[mask[r].length + step[r].length];
            System.arraycopy(mask[r], 0, out[r], 0, mask[r].length);
            System.arraycopy(step[r], 0, out[r], mask[r].length, step[r].length);
        }
        mask = out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
