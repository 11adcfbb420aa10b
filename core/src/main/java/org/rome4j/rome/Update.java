package org.rome4j.rome;

import java.util.List;

/**
 * One layer's rank-one update ΔW = u ⊗ v (stored in the weight's layout), with the intermediates of the
 * original code for inspection and parity checks. All arrays are copies.
 *
 * @param layer            the edited layer
 * @param weightName       the HF name of the edited weight
 * @param u                left vector [F], unit norm
 * @param v                right vector [D]
 * @param kMean            k*: mean key at the subject's last token over the templates [F]
 * @param keysPerTemplate  those keys, [templates][F]
 * @param keyIndices       the subject's last token in each template
 * @param curInput         key of the unprefixed prompt [F] (r-ROME: k*)
 * @param curOutput        MLP output of the unprefixed prompt [D] (r-ROME: the mean over templates)
 * @param targetInit       the clean MLP output at the first rewriting prompt's subject token [D]
 * @param target           v* = targetInit + δ [D]
 * @param deltaPerIter     δ used in each iteration's forward, [iterations][D]
 * @param lossPerIter      total loss of each iteration
 * @param targetProbPerIter mean over rewriting prompts of exp(−nll) per iteration
 * @param deltaWeightNorm  ‖ΔW‖ (Frobenius) = ‖u‖·‖v‖
 */
public record Update(int layer, String weightName, float[] u, float[] v, float[] kMean, float[][] keysPerTemplate,
                     int[] keyIndices, float[] curInput, float[] curOutput, float[] targetInit, float[] target,
                     List<float[]> deltaPerIter, List<Double> lossPerIter, List<Double> targetProbPerIter,
                     double deltaWeightNorm) {

    /** ‖u‖. */
    public double uNorm() { return norm(u); }

    /** ‖v‖. */
    public double vNorm() { return norm(v); }

    /** Iterations of the v* search that ran. */
    public int iterations() { return deltaPerIter.size(); }

    static double norm(float[] x) {
        double s = 0;
        for (float f : x) s += (double) f * f;
        return Math.sqrt(s);
    }
}
