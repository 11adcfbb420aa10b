package org.rome4j.model;

import java.util.Arrays;

/**
 * A parameter a model expects: its HF name and shape.
 *
 * @param name  HF state-dict name, e.g. {@code transformer.h.0.mlp.c_proj.weight}
 * @param shape expected shape
 */
public record ParamSpec(String name, long... shape) {
    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
