package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import org.rome4j.intervene.Site;

import java.util.Collections;
import java.util.Map;

/**
 * What a forward pass returns: the logits (null when it stopped early) and the recorded activations.
 * Every array lives in the scope the forward was given.
 *
 * @param logits   [B, T, V], or [B, 1, V] from {@link Gpt#forwardLast}; null after {@code stopAfter}
 * @param recorded activations recorded by the interventions, by site
 */
public record Output(NDArray logits, Map<Site, NDArray> recorded) {

    /** Wraps the map read-only. */
    public Output {
        recorded = Collections.unmodifiableMap(recorded);
    }

    /**
     * The activation recorded at a site.
     *
     * @throws IllegalArgumentException if the site was not recorded
     */
    public NDArray get(Site site) {
        NDArray a = recorded.get(site);
        if (a == null) {
            throw new IllegalArgumentException("site " + site + " was not recorded: add .record(Site.parse(\"" + site
                    + "\")) to the interventions (recorded: " + recorded.keySet() + ")");
        }
        return a;
    }

    /** Whether the forward computed logits (false after {@code stopAfter}). */
    public boolean hasLogits() {
        return logits != null;
    }

    /** The logits, or an error if the forward stopped before computing them. */
    public NDArray logits() {
        if (logits == null) {
            throw new IllegalStateException("no logits: the forward stopped early (stopAfter)");
        }
        return logits;
    }
}
