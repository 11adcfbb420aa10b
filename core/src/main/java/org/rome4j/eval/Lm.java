package org.rome4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;

import java.util.List;

/** Log-probabilities and argmaxes at chosen positions of a right-padded batch, without full-vocabulary logits everywhere. */
final class Lm {
    private Lm() { }

    /**
     * For each query q: the log-probability of {@code tokens[q]} predicted at (row[q], pos[q]), and the
     * argmax there.
     */
    static Result at(Gpt gpt, List<long[]> seqs, int[] row, int[] pos, long[] tokens) {
        Batch b = Batch.right(seqs, gpt.tokenizer().padId());
        int t = b.tokens();
        int d = gpt.config().nEmbd();
        long[] flat = new long[row.length];
        for (int q = 0; q < row.length; q++) flat[q] = (long) row[q] * t + pos[q];
        try (NDManager scope = gpt.newScope()) {
            NDArray h = gpt.forward(scope, b, Interventions.builder().record(Site.finalNormOut())
                    .stopAfter(Site.finalNormOut()).build()).get(Site.finalNormOut());
            NDArray hs = h.reshape((long) b.rows() * t, d).get(new NDIndex("{}", scope.create(flat)));
            NDArray logp = gpt.unembed(hs).logSoftmax(-1);                          // [Q, V]
            float[] picked = logp.gather(scope.create(tokens).reshape(tokens.length, 1), 1).toFloatArray();
            long[] arg = logp.argMax(1).toLongArray();
            double[] lp = new double[picked.length];
            for (int i = 0; i < lp.length; i++) lp[i] = picked[i];
            return new Result(lp, arg);
        }
    }

    record Result(double[] logProb, long[] argmax) { }
}
