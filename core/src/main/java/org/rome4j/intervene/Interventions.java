package org.rome4j.intervene;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a forward pass does at its sites besides computing: record, replace, add, apply a function, or
 * stop. The one mechanism behind causal tracing, key statistics, ROME's v* search, the frozen-path
 * trace and the logit lens.
 *
 * <p>Hooks at a site run in the order they were added. Patches act at explicit {@link Cells}, so one
 * batch can carry a different intervention on every row. Patches are built from gather and add
 * operations, never in-place writes, so gradients flow through them (ROME optimises a vector added at
 * a site). Immutable once built; reusable across forwards.
 *
 * <pre>{@code
 * Interventions iv = Interventions.builder()
 *     .add(Site.embed(), Cells.range(Cells.rows(1, 11), 0, 4), noise)   // corrupt rows 1..10
 *     .replace(Site.layerOut(5), Cells.at(3, 2), cleanState)               // restore one cell on row 3
 *     .record(Site.mlpIn(5))
 *     .build();
 * }</pre>
 */
public final class Interventions {

    /** No interventions: a plain forward. */
    public static final Interventions NONE = new Interventions(Map.of(), null);

    private final Map<Site, List<Hook>> hooks;
    private final Site stopAfter;

    private Interventions(Map<Site, List<Hook>> hooks, Site stopAfter) {
        this.hooks = hooks;
        this.stopAfter = stopAfter;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Hooks at a site, or an empty list. */
    public List<Hook> at(Site site) {
        return hooks.getOrDefault(site, List.of());
    }

    /** Sites that have hooks. */
    public Set<Site> sites() {
        return hooks.keySet();
    }

    /** The site after which the forward stops, or null. */
    public Site stopAfter() {
        return stopAfter;
    }

    /** Whether there is nothing to do. */
    public boolean isEmpty() {
        return hooks.isEmpty() && stopAfter == null;
    }

    /** A builder of interventions. */
    public static final class Builder {
        private final Map<Site, List<Hook>> hooks = new LinkedHashMap<>();
        private Site stopAfter;

        private Builder() { }

        /** Adds a hook at a site (runs after hooks added earlier). */
        public Builder apply(Site site, Hook hook) {
            hooks.computeIfAbsent(site, s -> new ArrayList<>()).add(hook);
            return this;
        }

        /** Records the activation at each site (after any earlier hooks there). */
        public Builder record(Site... sites) {
            for (Site s : sites) {
                apply(s, (ctx, x) -> {
                    ctx.record(x);
                    return x;
                });
            }
            return this;
        }

        /** Records every site in a collection. */
        public Builder record(Iterable<Site> sites) {
            for (Site s : sites) {
                record(s);
            }
            return this;
        }

        /**
         * Replaces the activation at the cells with {@code values}: shape [N, W] for N cells, or [W]
         * for the same vector at every cell. Values must live in the run's scope or outlive it.
         */
        public Builder replace(Site site, Cells cells, NDArray values) {
            return apply(site, (ctx, x) -> patch(ctx, x, cells, values, true));
        }

        /** Adds {@code values} ([N, W] or [W]) to the activation at the cells. */
        public Builder add(Site site, Cells cells, NDArray values) {
            return apply(site, (ctx, x) -> patch(ctx, x, cells, values, false));
        }

        /** Replaces with Java values: {@code values[k]} goes to cell k. */
        public Builder replace(Site site, Cells cells, float[][] values) {
            return apply(site, (ctx, x) -> patch(ctx, x, cells, ctx.scope().create(values), true));
        }

        /** Adds Java values: {@code values[k]} to cell k. */
        public Builder add(Site site, Cells cells, float[][] values) {
            return apply(site, (ctx, x) -> patch(ctx, x, cells, ctx.scope().create(values), false));
        }

        /** Stops the forward right after this site's hooks (statistics passes need nothing later). */
        public Builder stopAfter(Site site) {
            this.stopAfter = site;
            return this;
        }

        /** Builds an immutable set of interventions. */
        public Interventions build() {
            Map<Site, List<Hook>> copy = new LinkedHashMap<>();
            hooks.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return new Interventions(Collections.unmodifiableMap(copy), stopAfter);
        }
    }

    /**
     * Replaces or adds per-cell values with one gather: the activation is flattened to [B*T, W], the
     * values are appended as extra rows, and an index picks for every (row, token) either its own row
     * or its value's row. Cells outside this forward's token window (KV-cache steps) are skipped.
     */
    static NDArray patch(HookContext ctx, NDArray x, Cells cells, NDArray values, boolean replace) {
        Shape shape = x.getShape();
        int b = ctx.rows();
        int t = ctx.tokens();
        long w = shape.get(shape.dimension() - 1);
        int n = cells.size();
        NDArray vals = values.getShape().dimension() == 1 ? values.reshape(1, w).repeat(0, n) : values;
        if (vals.getShape().get(0) != n || vals.getShape().get(1) != w) {
            throw new IllegalArgumentException("patch at " + ctx.site() + ": values have shape " + values.getShape()
                    + ", expected [" + n + ", " + w + "] or [" + w + "]");
        }
        long[] index = new long[b * t];
        int base = replace ? b * t : 1;
        for (int i = 0; i < index.length; i++) {
            index[i] = replace ? i : 0;
        }
        boolean any = false;
        for (int k = 0; k < n; k++) {
            int row = cells.row(k);
            int pos = cells.position(k) - ctx.offset();
            if (row >= b) {
                throw new IllegalArgumentException("patch at " + ctx.site() + ": row " + row + " but the batch has " + b + " rows");
            }
            if (pos < 0 || pos >= t) {
                if (ctx.offset() == 0) {
                    throw new IllegalArgumentException("patch at " + ctx.site() + ": position " + cells.position(k)
                            + " but the sequence has " + t + " tokens");
                }
                continue;
            }
            index[row * t + pos] = base + k;
            any = true;
        }
        if (!any) {
            return x;
        }
        NDArray flat = x.reshape(b * (long) t, w);
        NDArray idx = ctx.scope().create(index);
        if (replace) {
            NDArray src = NDArrays.concat(new ai.djl.ndarray.NDList(flat, vals.toType(flat.getDataType(), false)), 0);
            return src.get(new NDIndex("{}", idx)).reshape(shape);
        }
        NDArray zero = ctx.scope().zeros(new Shape(1, w), flat.getDataType());
        NDArray src = NDArrays.concat(new ai.djl.ndarray.NDList(zero, vals.toType(flat.getDataType(), false)), 0);
        return flat.add(src.get(new NDIndex("{}", idx))).reshape(shape);
    }

}
