package org.rome4j.options;

import org.rome4j.model.Gpt;
import org.rome4j.rome.RomeHparams;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.util.List;

/**
 * The ROME hyper-parameter options of every editing command and magic ({@code edit}, {@code eval},
 * {@code %rome_edit}, {@code %%rome_batch}, {@code %counterfact_eval}): {@code --hparams}, {@code --layer},
 * {@code --fact-token}. Declared once; {@link #resolve} is the one place they become {@link RomeHparams}.
 */
public final class HparamOptions {
    /** The fact-token strategies, as the error names them. */
    static final String FACT_TOKENS = "subject_last (ROME's choice), subject_first or last";

    @Option(names = "--hparams", paramLabel = "F|NAME", description = "ROME hyper-parameters: a preset (gpt2-medium, gpt2-large, "
            + "gpt2-xl, EleutherAI_gpt-j-6B, llama-family-untuned, tiny-facts, tiny-biographies) or a JSON file in the original's hparams/ROME schema "
            + "(default: the preset named like the model)")
    String hparams;

    @Option(names = "--layer", paramLabel = "L", description = "edit this layer instead of the hyper-parameters' \"layers\"")
    Integer layer;

    @Option(names = "--fact-token", paramLabel = "T", converter = FactToken.class,
            description = "where the key is read: " + FACT_TOKENS + " (default: the hyper-parameters')")
    String factToken;

    /** Checks a fact-token strategy. */
    static final class FactToken implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!List.of("subject_last", "subject_first", "last").contains(value)) {
                throw new TypeConversionException("--fact-token is " + FACT_TOKENS + ", got " + value);
            }
            return value;
        }
    }

    /**
     * What can be checked before the model loads: {@code --hparams} names a preset or a file that parses, {@code --layer}
     * is not negative (its upper bound needs the model, {@link #resolve}).
     *
     * @throws IllegalArgumentException with a one-line message naming the fix
     */
    public void check() throws IOException {
        if (hparams != null) RomeHparams.load(hparams);
        if (layer != null && layer < 0) {
            throw new IllegalArgumentException("--layer must be >= 0, got " + layer);
        }
    }

    /**
     * The hyper-parameters: {@code --hparams} (preset or file), else the preset named like the model (its source,
     * e.g. {@code openai-community/gpt2-xl}, or its name), then {@code --layer} and {@code --fact-token}.
     *
     * @throws IllegalArgumentException with a one-line message naming the fix
     */
    public RomeHparams resolve(String model, Gpt gpt) throws IOException {
        RomeHparams hp;
        if (hparams != null) {
            hp = RomeHparams.load(hparams);
        } else {
            String guess = model.replace("/", "_").replace("openai-community_", "");
            if (!RomeHparams.PRESETS.contains(guess)) guess = gpt.name();
            if (!RomeHparams.PRESETS.contains(guess)) {
                throw new IllegalArgumentException("no hyper-parameters for model " + model + ": pass --hparams with a preset ("
                        + String.join(", ", RomeHparams.PRESETS) + ") or a JSON file in the original schema");
            }
            hp = RomeHparams.preset(guess);
        }
        if (layer != null) hp = hp.withLayers(List.of(layer));
        for (int l : hp.layers()) {
            if (l < 0 || l >= gpt.nLayer()) {
                throw new IllegalArgumentException("layer " + l + " is out of range: " + gpt.name() + " has layers 0–" + (gpt.nLayer() - 1)
                        + "; pass --layer or fix \"layers\" in the hparams");
            }
        }
        if (factToken != null) hp = hp.withFactToken(factToken);
        return hp;
    }
}
