package org.rome4j.model;

import java.util.ArrayList;
import java.util.List;

/** The supported families, found by HF {@code model_type}. */
public final class Architectures {
    private static final List<Architecture> ALL = List.of(new Gpt2Architecture(), new GptJArchitecture(),
            new NeoXArchitecture(), new LlamaArchitecture());

    private Architectures() { }

    /**
     * The family of a {@code model_type}.
     *
     * @throws IllegalArgumentException naming the type and the supported ones
     */
    public static Architecture of(String modelType) {
        for (Architecture a : ALL) {
            if (a.modelTypes().contains(modelType)) return a;
        }
        throw new IllegalArgumentException("model_type \"" + modelType + "\" is not supported: supported model types are "
                + String.join(", ", supported()));
    }

    /** Every supported {@code model_type}. */
    public static List<String> supported() {
        List<String> out = new ArrayList<>();
        for (Architecture a : ALL) out.addAll(a.modelTypes());
        return out;
    }
}
