package org.rome4j.options;

import org.rome4j.model.Gpt;
import picocli.CommandLine.Option;

/** {@code --layer}: the layer whose MLP keys key statistics measure ({@code stats}, {@code %stats}). */
public final class StatsLayerOption {
    @Option(names = "--layer", paramLabel = "L", required = true, description = "the layer whose MLP keys are measured")
    Integer layer;

    /**
     * The layer, checked against the model.
     *
     * @throws IllegalArgumentException naming the model's layers
     */
    public int layer(Gpt gpt) {
        if (layer < 0 || layer >= gpt.nLayer()) {
            throw new IllegalArgumentException("layer " + layer + " is out of range: " + gpt.name() + " has layers 0–" + (gpt.nLayer() - 1));
        }
        return layer;
    }
}
