package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Generator;
import org.rome4j.model.Gpt;
import org.rome4j.model.TextTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What an edit's handle reports before and after: target probabilities, top next tokens, a greedy continuation. */
final class Predictions {
    private final Gpt gpt;
    private final int topK;
    private final int genTokens;

    Predictions(Gpt gpt, int topK, int genTokens) {
        this.gpt = gpt;
        this.topK = topK;
        this.genTokens = genTokens;
    }

    /** Predictions for a request's prompt on the current weights. */
    Edit.Measure of(Request r) {
        TextTokenizer tok = gpt.tokenizer();
        long[] prompt = tok.ids(r.text());
        double pt = sequenceProb(gpt, prompt, tok.continuation(r.text(), r.targetWithSpace()));
        double pTrue = r.targetTrue() == null ? Double.NaN
                : sequenceProb(gpt, prompt, tok.continuation(r.text(), r.targetTrue().startsWith(" ") ? r.targetTrue() : " " + r.targetTrue()));
        List<Edit.TopToken> top = new ArrayList<>();
        try (NDManager scope = gpt.newScope()) {
            float[] logits = gpt.forwardLast(scope, Batch.of(prompt), Interventions.NONE).logits().toFloatArray();
            double[] p = softmax(logits);
            Integer[] idx = new Integer[p.length];
            for (int i = 0; i < idx.length; i++) idx[i] = i;
            Arrays.sort(idx, (a, b) -> Double.compare(p[b], p[a]));
            for (int i = 0; i < Math.min(topK, idx.length); i++) {
                top.add(new Edit.TopToken(idx[i], tok.tokenText(idx[i]), p[idx[i]]));
            }
        }
        String gen = genTokens <= 0 ? "" : Generator.builder().maxNewTokens(genTokens).build()
                .generate(gpt, List.of(r.text())).get(0).text();
        return new Edit.Measure(pt, pTrue, List.copyOf(top), gen);
    }

    /** P(continuation | prompt): the product of the continuation's token probabilities. */
    static double sequenceProb(Gpt gpt, long[] prompt, long[] continuation) {
        if (continuation.length == 0) return Double.NaN;
        long[] all = new long[prompt.length + continuation.length - 1];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(continuation, 0, all, prompt.length, continuation.length - 1);
        try (NDManager scope = gpt.newScope()) {
            NDArray logp = gpt.forward(scope, Batch.of(all), Interventions.NONE).logits().get(0).logSoftmax(-1);
            double lp = 0;
            for (int j = 0; j < continuation.length; j++) {
                lp += logp.getFloat(prompt.length - 1 + j, continuation[j]);
            }
            return Math.exp(lp);
        }
    }

    private static double[] softmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : x) max = Math.max(max, f);
        double[] p = new double[x.length];
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp(x[i] - max);
            s += p[i];
        }
        for (int i = 0; i < x.length; i++) p[i] /= s;
        return p;
    }
}
