package org.rome4j.magics;

import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The most likely next tokens after a prompt, with probabilities (softmax in double precision). */
public record NextTokens(List<String> tokens, List<Long> ids, List<Double> probs) {
    /** Copies the lists. */
    public NextTokens {
        tokens = List.copyOf(tokens);
        ids = List.copyOf(ids);
        probs = List.copyOf(probs);
    }

    /** The top {@code k} next tokens of {@code prompt} under {@code gpt}. */
    public static NextTokens of(Gpt gpt, String prompt, int k) {
        long[] ids = gpt.tokenizer().ids(prompt);
        if (ids.length == 0) {
            throw new MagicException("the prompt encodes to no tokens; give a non-empty prompt");
        }
        float[] logits;
        try (NDManager scope = gpt.newScope()) {
            logits = gpt.forwardLast(scope, Batch.of(ids), Interventions.NONE).logits().toFloatArray();
        }
        return top(gpt, logits, k);
    }

    /** The top {@code k} of a logit vector. */
    static NextTokens top(Gpt gpt, float[] logits, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) max = Math.max(max, x);
        double sum = 0;
        for (float x : logits) sum += Math.exp(x - max);
        Integer[] idx = new Integer[logits.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (p, q) -> Float.compare(logits[q], logits[p]));
        List<String> t = new ArrayList<>();
        List<Long> i2 = new ArrayList<>();
        List<Double> p = new ArrayList<>();
        for (int i = 0; i < Math.min(k, idx.length); i++) {
            t.add(gpt.tokenizer().tokenText(idx[i]));
            i2.add((long) idx[i]);
            p.add(Math.exp(logits[idx[i]] - max) / sum);
        }
        return new NextTokens(t, i2, p);
    }
}
