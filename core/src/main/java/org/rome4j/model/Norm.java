package org.rome4j.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * A LayerNorm ({@code weight}, {@code bias}, biased variance) or an RMSNorm ({@code weight} only,
 * {@code w * x / sqrt(mean(x²) + eps)}, computed in float32 as HF does) named by its module prefix.
 */
public record Norm(String prefix, boolean rms, long width, double eps) {
    /** A LayerNorm. */
    static Norm layer(String prefix, long width, double eps) {
        return new Norm(prefix, false, width, eps);
    }

    /** An RMSNorm. */
    static Norm rms(String prefix, long width, double eps) {
        return new Norm(prefix, true, width, eps);
    }

    /** Normalises {@code x} [.., width]. */
    public NDArray apply(NDArray x, Parameters p) {
        NDArray w = p.f32(prefix + ".weight", x.getManager());
        if (!rms) {
            return Layers.layerNorm(x, w, p.f32(prefix + ".bias", x.getManager()), eps);
        }
        NDArray var = x.square().mean(new int[] {-1}, true);
        return x.div(var.add(Layers.scalar(x, (float) eps)).sqrt()).mul(w);      // receiver x: the result lives in the forward's scope
    }

    /** Its weights. */
    List<ParamSpec> parameters() {
        return rms ? List.of(new ParamSpec(prefix + ".weight", width))
                : List.of(new ParamSpec(prefix + ".weight", width), new ParamSpec(prefix + ".bias", width));
    }
}
