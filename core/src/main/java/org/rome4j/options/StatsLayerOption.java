package org.rome4j.options;

import org.rome4j.model.Gpt;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * {@code --layer} / {@code --layers}: the layer(s) whose MLP keys key statistics measure ({@code stats}, {@code %stats}).
 * {@code stats} takes several (one pass, the forward stopped after the deepest); {@code %stats} keeps one for {@code %rome_edit}.
 */
public final class StatsLayerOption {
    @Option(names = {"--layer", "--layers"}, paramLabel = "L", required = true, split = ",",
            description = "the layer(s) whose MLP keys are measured, e.g. 17 or 5,17")
    List<Integer> layers;

    /**
     * The layers, sorted and distinct, checked against the model.
     *
     * @throws IllegalArgumentException naming the model's layers
     */
    public List<Integer> layers(Gpt gpt) {
        List<Integer> chosen = layers.stream().distinct().sorted().toList();
        for (int l : chosen) {
            if (l < 0 || l >= gpt.nLayer()) {
                throw new IllegalArgumentException("layer " + l + " is out of range: " + gpt.name() + " has layers 0–" + (gpt.nLayer() - 1));
            }
        }
        return chosen;
    }

    /** How many distinct layers were named (before the model is known). */
    public int count() {
        return (int) layers.stream().distinct().count();
    }

    /**
     * The one layer, checked against the model.
     *
     * @throws IllegalArgumentException when several were named, or naming the model's layers
     */
    public int layer(Gpt gpt) {
        List<Integer> chosen = layers(gpt);
        if (chosen.size() != 1) throw new IllegalArgumentException("--layer: give one layer here, got " + chosen);
        return chosen.get(0);
    }
}
