package org.rome4j.intervene;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Map;

/**
 * What a hook knows about the forward pass that calls it: the site, the run's scope manager, and the
 * shape of the batch. Every array a hook creates should live in {@link #scope()}.
 */
public final class HookContext {
    private final Site site;
    private final NDManager scope;
    private final int rows;
    private final int tokens;
    private final int offset;
    private final Map<Site, NDArray> recorded;

    /**
     * @param site     the site being visited
     * @param scope    the run's manager
     * @param rows     batch size
     * @param tokens   token positions in this forward (the new tokens only, with a KV cache)
     * @param offset   sequence position of the first of those tokens (0 without a KV cache)
     * @param recorded where {@link #record} stores activations for the run's output
     */
    public HookContext(Site site, NDManager scope, int rows, int tokens, int offset, Map<Site, NDArray> recorded) {
        this.site = site;
        this.scope = scope;
        this.rows = rows;
        this.tokens = tokens;
        this.offset = offset;
        this.recorded = recorded;
    }

    /** The site being visited. */
    public Site site() { return site; }
    /** The run's manager. */
    public NDManager scope() { return scope; }
    /** Batch size. */
    public int rows() { return rows; }
    /** Token positions in this forward. */
    public int tokens() { return tokens; }
    /** Sequence position of the first token of this forward. */
    public int offset() { return offset; }

    /** Keeps {@code activation} as this site's recorded value in the run's output. */
    public void record(NDArray activation) {
        recorded.put(site, activation);
    }
}
