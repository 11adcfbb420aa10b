package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.rome4j.intervene.Cells;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.model.KvCache;
import org.rome4j.model.TextTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The value side of ROME ({@code compute_v.py}) and MEMIT ({@code compute_z.py}): v* = v_init + δ, with δ
 * found by Adam on the target's negative log-likelihood over the rewriting prompts, a KL term on
 * "{subject} is a" and a weight decay, δ added at the fact token of every prompt and clamped to a multiple
 * of ‖v_init‖. The two originals differ only in where δ is added ({@link At}); one search serves both.
 */
final class ValueSearch {
    /** Where δ is added at the searched layer. */
    enum At {
        /** The MLP output (ROME's v*). */
        MLP_OUTPUT,
        /** The block output, the residual stream after the block (MEMIT's and AlphaEdit's z). */
        BLOCK_OUTPUT;

        Site site(int layer) {
            return this == MLP_OUTPUT ? Site.mlpOut(layer) : Site.layerOut(layer);
        }
    }

    /** The KL prompt of {@code compute_v}. */
    static final String KL_PROMPT = "{} is a";

    /**
     * The search's result and its iterations.
     *
     * @param targetInit the clean MLP output at the first rewriting prompt's fact token [D]
     * @param target     v* = targetInit + δ [D]
     * @param deltas     δ used in each iteration's forward
     * @param losses     total loss of each iteration
     * @param probs      mean over rewriting prompts of exp(−nll) per iteration
     * @param keys       the clean MLP key [F] and output [D] at each rewriting prompt's fact token (k*'s rows), from
     *                   the cached schedule's run of the prefix; null in the naive schedule or with fact token "last"
     *                   (whose token moves when the target's tokens are appended)
     */
    record Result(float[] targetInit, float[] target, List<float[]> deltas, List<Double> losses, List<Double> probs,
                  FactRows keys) { }

    /** MLP keys [N][F] and outputs [N][D] at the fact token of N prompts, and that token's index in each prompt. */
    record FactRows(float[][] keys, float[][] outputs, int[] index) { }

    /** One forward (and backward) pass: what the optimizer reads. grad is null when the search stops here. */
    private record Step(float[] targetInit, float[] klInit, double loss, double prob, float[] grad) {
        boolean finite() {
            if (!Double.isFinite(loss)) return false;
            if (grad != null) for (float x : grad) if (!Float.isFinite(x)) return false;
            return true;
        }
    }

    private final Gpt gpt;
    private final RomeHparams hp;
    private final boolean naive;
    /** Told after each Adam step (a notebook's progress bar); set per edit by the session. */
    private volatile org.rome4j.progress.ProgressListener progress = org.rome4j.progress.ProgressListener.NONE;
    /** Called after each step with its index, its arrays freed (tests watch the model's managers with it). */
    IntConsumer afterStep = it -> { };

    /**
     * @param naive the original's schedule (benchmarks): every step runs every layer and projects every
     *              position onto the vocabulary. Otherwise the blocks below the edited layer run once (δ changes
     *              nothing there), and so do the tokens before the first fact token (the prompts are padded on
     *              the left, so the fact tokens line up); each step runs the blocks from the edited layer up over
     *              the remaining tokens only, and projects only the rows the loss reads.
     */
    /** Reports each Adam step of later searches to {@code l} (null: none). */
    void progress(org.rome4j.progress.ProgressListener l) {
        progress = l == null ? org.rome4j.progress.ProgressListener.NONE : l;
    }

    ValueSearch(Gpt gpt, RomeHparams hp, boolean naive) {
        this.gpt = gpt;
        this.hp = hp;
        this.naive = naive;
    }

    /** Runs ROME's search (δ on the MLP output) for a request at a layer with context templates {@code ctx}. */
    Result run(Request request, int layer, List<String> ctx) {
        return run(request, layer, ctx, At.MLP_OUTPUT);
    }

    /** Runs the search with δ added at {@code at} of {@code layer}. */
    Result run(Request request, int layer, List<String> ctx, At at) {
        TextTokenizer tok = gpt.tokenizer();
        long[] targetIds = tok.continuation(request.text(), request.targetWithSpace());
        int nT = targetIds.length;
        // each rewriting row is "{context}{prompt}" with the subject, then the target's tokens but the last,
        // joined as ids (the original decodes and re-encodes them; the same ids for GPT-2, and right with
        // sentencepiece, whose decoded pieces lose their leading space)
        long[] targetPrefix = Arrays.copyOf(targetIds, nT - 1);
        List<String> prompts = new ArrayList<>();
        for (String c : ctx) prompts.add(Request.fill(c, request.prompt()));
        int nRew = prompts.size();
        prompts.add(KL_PROMPT);
        int n = prompts.size();
        List<long[]> seqs = new ArrayList<>();
        int[] lookup = new int[n];
        for (int i = 0; i < n; i++) {
            long[] ids = tok.ids(Request.fill(prompts.get(i), request.subject()));
            if (i < nRew) {
                long[] joined = Arrays.copyOf(ids, ids.length + targetPrefix.length);
                System.arraycopy(targetPrefix, 0, joined, ids.length, targetPrefix.length);
                ids = joined;
            }
            seqs.add(ids);
            lookup[i] = hp.factToken() == FactToken.LAST ? ids.length - 1
                    : hp.factToken().index(tok, prompts.get(i), request.subject());
            Keys.checkIndex(lookup[i], seqs.get(i), prompts.get(i));
        }
        // the cached schedule pads on the left: every rewriting row then ends with the same text after the subject,
        // so the fact tokens line up near the end and the tokens before them (unchanged by δ) form one prefix
        Batch batch = naive ? Batch.right(seqs, tok.padId()) : Batch.left(seqs, tok.padId());
        int[] factAt = new int[n];                       // fact token of each row, in the padded batch
        for (int i = 0; i < n; i++) factAt[i] = batch.index(i, lookup[i]);
        // (row, position) of the final hidden states that feed the loss: target positions of rewriting rows, then the KL cell
        int[][] lossAt = new int[nRew * nT + 1][];
        long[] lossTok = new long[nRew * nT];
        for (int i = 0; i < nRew; i++) {
            int exLen = batch.length(i);
            for (int j = 0; j < nT; j++) {
                lossAt[i * nT + j] = new int[] {i, batch.index(i, exLen - nT + j)};
                lossTok[i * nT + j] = targetIds[j];
            }
        }
        lossAt[nRew * nT] = new int[] {nRew, factAt[nRew]};
        int[] rowsAll = new int[n];
        for (int i = 0; i < n; i++) rowsAll[i] = i;
        Cells cells = Cells.of(rowsAll, factAt);

        try (NDManager below = gpt.newScope()) {
            Upper upper = naive ? null : upper(below, batch, layer, Arrays.stream(factAt).min().getAsInt(), Arrays.copyOf(factAt, nRew));
            FactRows keys = upper == null || hp.factToken() == FactToken.LAST || at != At.MLP_OUTPUT ? null
                    : new FactRows(upper.keys(), upper.outputs(), Arrays.copyOf(lookup, nRew));
            return search(batch, upper, keys, layer, at.site(layer), cells, factAt, lossAt, lossTok, nRew, nT);
        }
    }

    /**
     * What every step of the cached schedule starts from: the residual entering block {@code layer} at
     * tokens {@code prefix}.. [B, T − prefix, D], and the keys and values of tokens 0..prefix−1 in the blocks
     * from {@code layer} on (δ changes neither: it enters at the fact tokens, none before {@code prefix});
     * with the clean MLP key and output at the rewriting rows' fact tokens (k* needs no run of its own).
     */
    private record Upper(int prefix, NDArray residual, NDArray[] kvKeys, NDArray[] kvValues, int[][] mask,
                         float[][] keys, float[][] outputs) {
        /** The residual, copied into {@code scope} (an op's result goes to its operand's manager). */
        NDArray residualIn(NDManager scope) {
            NDArray x = residual.duplicate();
            x.attach(scope);
            return x;
        }

        /** The prefix's keys and values, copied into a cache under {@code scope}; null without a prefix. */
        KvCache cache(NDManager scope) {
            if (prefix == 0) return null;
            NDArray[] k = new NDArray[kvKeys.length];
            NDArray[] v = new NDArray[kvValues.length];
            for (int l = 0; l < kvKeys.length; l++) {
                if (kvKeys[l] == null) continue;
                k[l] = kvKeys[l].duplicate();
                v[l] = kvValues[l].duplicate();
            }
            return KvCache.of(scope, k, v, mask);
        }
    }

    /**
     * Builds {@link Upper} in {@code owner} with two runs that share a KV cache: the prefix through every block
     * (the upper blocks need its keys and values), then the remaining tokens through the blocks up to the
     * edited layer's MLP only (the steps compute the blocks above). {@code factAt}: positions of the
     * rewriting rows' fact tokens in the batch.
     */
    private Upper upper(NDManager owner, Batch batch, int layer, int prefix, int[] factAt) {
        int b = batch.rows();
        int t = batch.tokens();
        long[][][] ids = new long[2][b][];
        long[][][] pos = new long[2][b][];
        int[][][] mask = new int[2][b][];
        for (int r = 0; r < b; r++) {
            for (int part = 0; part < 2; part++) {
                int from = part == 0 ? 0 : prefix;
                int to = part == 0 ? prefix : t;
                ids[part][r] = new long[to - from];
                pos[part][r] = new long[to - from];
                mask[part][r] = new int[to - from];
                for (int i = from; i < to; i++) {
                    ids[part][r][i - from] = batch.id(r, i);
                    pos[part][r][i - from] = batch.position(r, i);
                    mask[part][r][i - from] = batch.mask(r, i);
                }
            }
        }
        Site in = Site.layerIn(layer);
        Site mlpIn = Site.mlpIn(layer);
        Site mlpOut = Site.mlpOut(layer);
        try (NDManager run = owner.newSubManager()) {
            KvCache kv = new KvCache(run, gpt.nLayer());
            if (prefix > 0) gpt.step(run, ids[0], pos[0], mask[0], kv, Interventions.NONE);
            var o = gpt.step(run, ids[1], pos[1], mask[1], kv, Interventions.builder().record(in, mlpIn, mlpOut).stopAfter(mlpOut).build());
            NDArray x = o.get(in);
            x.attach(owner);
            NDArray[] keys = new NDArray[gpt.nLayer()];
            NDArray[] values = new NDArray[gpt.nLayer()];
            for (int l = layer; l < gpt.nLayer() && prefix > 0; l++) {
                keys[l] = kv.keys(l);
                values[l] = kv.values(l);
                keys[l].attach(owner);
                values[l].attach(owner);
            }
            return new Upper(prefix, x, keys, values, mask[0], atFacts(o.get(mlpIn), factAt, prefix),
                    atFacts(o.get(mlpOut), factAt, prefix));
        }
    }

    /** Rows of {@code x} [B, T', W] at (row r, position factAt[r] − offset), r < factAt.length. */
    private static float[][] atFacts(NDArray x, int[] factAt, int offset) {
        float[][] out = new float[factAt.length][];
        for (int r = 0; r < factAt.length; r++) out[r] = x.get(new NDIndex("{}, {}", r, factAt[r] - offset)).toFloatArray();
        return out;
    }

    /**
     * Adam on δ. With {@code in} (the residual entering the edited layer) each step starts at that block;
     * without it each step is a full forward with logits at every position, as the original.
     */
    private Result search(Batch batch, Upper upper, FactRows keys, int layer, Site edited, Cells cells, int[] lookup, int[][] lossAt,
                          long[] lossTok, int nRew, int nT) {
        int n = batch.rows();
        int off = upper == null ? 0 : upper.prefix();
        int t = batch.tokens() - off;                // tokens each step computes
        long[] lossRows = new long[lossAt.length];   // rows of the step's flattened [n * t, D] states
        for (int k = 0; k < lossAt.length; k++) lossRows[k] = (long) lossAt[k][0] * t + lossAt[k][1] - off;
        int d = gpt.config().nEmbd();
        float[] delta = new float[d];
        Adam adam = new Adam(hp.vLr(), d);
        float[] targetInit = null;
        float[] klInit = null;
        double tiNorm = 0;
        List<float[]> deltas = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> probs = new ArrayList<>();
        for (int it = 0; it < hp.vNumGradSteps(); it++) {
            Rome.checkInterrupted();
            if (it > 0) progress.update(it, hp.vNumGradSteps(), "v* step " + it + " of " + hp.vNumGradSteps());
            deltas.add(delta.clone());
            final float[] deltaNow = delta;
            final float[] klRef = klInit;
            final boolean first = targetInit == null;
            final double tiN = tiNorm;
            final boolean last = it == hp.vNumGradSteps() - 1;
            // scalar operands come from scope.create, not x.mul(0.5f): see Layers.scalar for why
            Step res = Autograd.run(gc -> {
                try (NDManager scope = gpt.newScope()) {
                    NDArray dl = scope.create(deltaNow);
                    dl.setRequiresGradient(true);
                    Interventions.Builder ib = Interventions.builder().record(edited).add(edited, cells, dl);
                    NDArray rows = scope.create(lossRows);
                    NDArray logits;                                                                          // [M, V]
                    Map<Site, NDArray> rec;
                    if (upper == null) {
                        var o = gpt.forward(scope, batch, ib.build());
                        rec = o.recorded();
                        logits = o.logits().reshape((long) n * t, -1).get(new NDIndex("{}", rows));
                    } else {
                        // copies in this step's scope: the cached arrays themselves would collect every step's
                        // activations until the search ends
                        Site fn = Site.finalNormOut();
                        var o = gpt.forwardFrom(scope, layer, upper.residualIn(scope), batch, ib.record(fn).stopAfter(fn).build(),
                                false, upper.cache(scope));
                        rec = o.recorded();
                        logits = gpt.unembed(rec.get(fn).reshape((long) n * t, d).get(new NDIndex("{}", rows)));
                    }
                    float[] ti = null;
                    if (first) ti = rec.get(edited).get(new NDIndex("0, {}", lookup[0] - off)).toFloatArray();
                    NDArray logp = logits.logSoftmax(-1);                                                   // [M, V]
                    NDArray tgt = logp.get(new NDIndex("0:" + nRew * nT));
                    NDArray picked = tgt.gather(scope.create(lossTok).reshape(nRew * nT, 1), 1).reshape(nRew, nT);
                    NDArray nllEach = picked.sum(new int[] {1}).neg().div(scope.create((float) nT));                            // [nRew]
                    NDArray nll = nllEach.mean();
                    NDArray klLogp = logp.get(new NDIndex(nRew * nT + ":"));                                // [1, V]
                    float[] klNow = first ? klLogp.toFloatArray() : klRef;
                    NDArray init = scope.create(klNow).reshape(1, klNow.length);
                    NDArray kl = klLogp.exp().mul(klLogp.sub(init)).sum().mul(scope.create((float) hp.klFactor()));
                    double tn = first ? Update.norm(ti) : tiN;
                    float tn2 = (float) tn * (float) tn;
                    NDArray loss = nll.add(kl);
                    if (Update.norm(deltaNow) > 0) {
                        loss = loss.add(dl.norm().div(scope.create(tn2)).mul(scope.create((float) hp.vWeightDecay())));
                    }
                    double lossV = loss.getFloat();
                    double prob = nllEach.neg().exp().mean().getFloat();
                    float[] grad = null;
                    if (!(lossV < 5e-2) && !last) {
                        gc.backward(loss);
                        grad = dl.getGradient().toFloatArray();
                    }
                    return new Step(ti, klNow, lossV, prob, grad);
                }
            });
            if (!res.finite()) {
                throw new IllegalStateException("v* search at layer " + layer + " produced a non-finite loss or gradient at iteration "
                        + it + " (loss " + res.loss() + "); lower v_lr or check the key statistics");
            }
            if (first) {
                targetInit = res.targetInit();
                klInit = res.klInit();
                tiNorm = Update.norm(targetInit);
            }
            afterStep.accept(it);
            losses.add(res.loss());
            probs.add(res.prob());
            if (res.grad() == null) break;
            float[] nd = adam.step(delta, res.grad());
            // project onto ‖δ‖ ≤ clamp_norm_factor·‖v_init‖
            float maxNorm = (float) (hp.clampNormFactor() * (float) tiNorm);
            float dn = (float) Update.norm(nd);
            if (dn > maxNorm) {
                for (int i = 0; i < d; i++) nd[i] = nd[i] * maxNorm / dn;
            }
            delta = nd;
        }
        float[] finalDelta = deltas.get(deltas.size() - 1);
        float[] target = new float[d];
        for (int i = 0; i < d; i++) target[i] = targetInit[i] + finalDelta[i];
        return new Result(targetInit, target, List.copyOf(deltas), List.copyOf(losses), List.copyOf(probs), keys);
    }
}
