package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.rome4j.intervene.Hook;
import org.rome4j.intervene.HookContext;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The state of one forward pass that blocks share: the scope every activation lives in, the
 * interventions, the attention mask and the KV cache. Blocks route every named activation through
 * {@link #visit}, the single place where hooks run.
 */
public final class Pass {
    /** Thrown by {@link #visit} at the stop site; caught by the model. */
    static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    final NDManager scope;
    final Interventions iv;
    final int rows;
    final int tokens;
    final int offset;
    /** Additive attention mask [B, 1, T, offset + T]: 0 where a query may attend, the float minimum elsewhere. */
    final NDArray attnMask;
    final KvCache cache;
    /** Whether this pass's keys and values go into {@link #cache} (a prefix cache is only read). */
    private final boolean commits;
    /** Position ids of the pass's tokens, row-major [B, T] (rotary families rotate by them). */
    final long[] positions;
    private final Map<Rope, NDArray[]> rotary = new HashMap<>();
    final Map<Site, NDArray> recorded = new LinkedHashMap<>();
    private final Map<Integer, NDArray[]> pendingCache = new LinkedHashMap<>();

    Pass(NDManager scope, Interventions iv, int rows, int tokens, int offset, NDArray attnMask, KvCache cache,
         boolean commits, long[] positions) {
        this.positions = positions;
        this.commits = commits;
        this.scope = scope;
        this.iv = iv;
        this.rows = rows;
        this.tokens = tokens;
        this.offset = offset;
        this.attnMask = attnMask;
        this.cache = cache;
    }

    /** Runs the hooks at a site and returns the (possibly replaced) activation. */
    NDArray visit(Site site, NDArray x) {
        List<Hook> hooks = iv.at(site);
        if (!hooks.isEmpty()) {
            HookContext ctx = new HookContext(site, scope, rows, tokens, offset, recorded);
            for (Hook h : hooks) {
                x = h.apply(ctx, x);
            }
        }
        if (site.equals(iv.stopAfter())) {
            throw new Stop();
        }
        return x;
    }

    /** The rotary cos and sin tables [B, 1, T, R] of this pass's positions, made once for all layers. */
    NDArray[] rotary(Rope rope) {
        return rotary.computeIfAbsent(rope, r -> Rotary.tables(scope, r, positions, rows, tokens));
    }

    /** Whether any hook or the stop point is at this site (so a block may skip computing an optional tensor). */
    boolean wants(Site site) {
        return !iv.at(site).isEmpty() || site.equals(iv.stopAfter());
    }

    /** Holds a layer's full keys and values until the whole step has run (when the step extends the cache). */
    void keepCache(int layer, NDArray k, NDArray v) {
        if (commits) pendingCache.put(layer, new NDArray[] {k, v});
    }

    /**
     * Runs one block. Outside autograd its temporaries live in a sub-manager freed when the block ends, and
     * only its output, the activations recorded in it and the keys and values it keeps move to the pass's
     * scope: a forward then holds one block's temporaries at a time, not all of them until it ends (GPT-2 XL's
     * 3-kind grid peaked at 22.8 GB RSS with a 6.2 GB checkpoint before). An op's result joins its first
     * operand's manager, so the block's input is attached to the sub-manager while the block runs: moved
     * there when {@code ownsInput} (the previous block's output, freed with it unless something kept it),
     * lent otherwise. Under autograd the tape holds the temporaries anyway, so nothing changes there.
     */
    NDArray block(NDArray in, boolean ownsInput, Supplier<NDArray> body) {
        if (JniUtils.isGradMode()) return body.get();
        try (NDManager m = scope.newSubManager()) {
            if (ownsInput && !kept(in)) {
                in.attach(m);
            } else {
                in.tempAttach(m);
            }
            NDArray out = null;
            try {
                out = body.get();
                return out;
            } finally {
                // also when a stop point ends the forward inside the block: what it recorded is the output
                keep(m, out);
            }
        }
    }

    private boolean kept(NDArray a) {
        for (NDArray r : recorded.values()) if (r == a) return true;
        for (NDArray[] kv : pendingCache.values()) if (kv[0] == a || kv[1] == a) return true;
        return false;
    }

    private void keep(NDManager block, NDArray out) {
        if (out != null && out.getManager() == block) out.attach(scope);
        for (NDArray r : recorded.values()) if (r.getManager() == block) r.attach(scope);
        for (NDArray[] kv : pendingCache.values()) {
            for (NDArray a : kv) if (a.getManager() == block) a.attach(scope);
        }
    }

    /** Moves the step's keys and values into the cache (only once the forward has completed). */
    void commitCache() {
        pendingCache.forEach((layer, kv) -> cache.commit(layer, kv[0], kv[1]));
    }

    /** The run's manager. */
    NDManager scope() {
        return scope;
    }
}
