package org.rome4j.train;

import org.rome4j.progress.CancellationToken;
import org.rome4j.progress.ProgressListener;
import org.rome4j.data.FactData;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.model.GptConfig;
import org.rome4j.model.ParamSpec;
import org.rome4j.model.TextTokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a GPT-2 from scratch with DJL autograd and a hand-written AdamW. The loss is next-token
 * cross-entropy on the tokens that follow the subject (the relation's words and the attribute); the
 * subject's own tokens and anything before it are context only.
 */
public final class Trainer {

    /** Hyper-parameters of one run. */
    public record Settings(int steps, int batchSize, double lr, double minLrFraction, int warmup, double weightDecay,
                           double beta1, double beta2, double clip, long seed) { }

    /** One tokenized training sentence: ids and the first position whose next token is a target. */
    public record Sequence(long[] ids, int firstTarget) { }

    private static final Interventions HIDDEN = Interventions.builder()
            .record(Site.finalNormOut()).stopAfter(Site.finalNormOut()).build();

    private final Gpt gpt;
    private final Settings s;
    private final NDManager optManager = NDManager.newBaseManager();
    private final Map<String, NDArray> m = new HashMap<>();
    private final Map<String, NDArray> v = new HashMap<>();
    private int step;
    private int skipped;

    /** A trainer over a model made by {@link Gpt#create} (never a memory-mapped one from Gpt.load). */
    public Trainer(Gpt gpt, Settings settings) {
        this.gpt = gpt;
        this.s = settings;
        for (Map.Entry<String, NDArray> e : gpt.parameters().all().entrySet()) {
            e.getValue().setRequiresGradient(true);
            m.put(e.getKey(), optManager.zeros(e.getValue().getShape()));
            v.put(e.getKey(), optManager.zeros(e.getValue().getShape()));
        }
    }

    /**
     * Random GPT-2 initialisation (normal 0.02, residual projections scaled by 1/sqrt(2·layers), layer
     * norms 1, biases 0) from a seed, with Java's generator so it is the same on every machine.
     */
    public static Map<String, NDArray> initWeights(GptConfig cfg, long seed, NDManager manager) {
        Random r = new Random(seed);
        Map<String, NDArray> out = new HashMap<>();
        double projStd = 0.02 / Math.sqrt(2.0 * cfg.nLayer());
        for (ParamSpec spec : Gpt.parameterSpecs(cfg)) {
            long n = 1;
            for (long d : spec.shape()) n *= d;
            float[] a = new float[(int) n];
            String name = spec.name();
            if (name.contains(".ln_") || name.contains("ln_f")) {
                if (name.endsWith(".weight")) java.util.Arrays.fill(a, 1f);
            } else if (name.endsWith(".bias")) {
                // zeros
            } else {
                double std = name.endsWith("c_proj.weight") ? projStd : 0.02;
                for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() * std);
            }
            out.put(name, manager.create(a, new Shape(spec.shape())));
        }
        return out;
    }

    /** Tokenizes a sentence; targets start at the subject's last token. */
    public static Sequence encode(TextTokenizer tok, FactData.Example e) {
        TextTokenizer.Encoded enc = tok.encode(e.text());
        int[] range = TextTokenizer.subjectRange(enc, e.fact().subject());
        return new Sequence(enc.ids(), range[1] - 1);
    }

    /** The learning rate at a step: linear warm-up, then cosine decay to minLrFraction·lr. */
    public double lrAt(int t) {
        if (t < s.warmup()) return s.lr() * (t + 1) / s.warmup();
        double p = (double) (t - s.warmup()) / Math.max(1, s.steps() - s.warmup());
        double min = s.lr() * s.minLrFraction();
        return min + (s.lr() - min) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p)));
    }

    /** One AdamW step on a batch; returns the mean loss. */
    public float step(List<Sequence> batch) {
        TextTokenizer tok = gpt.tokenizer();
        int d = gpt.config().nEmbd();
        List<long[]> seqs = new ArrayList<>(batch.size());
        int t = 0;
        for (Sequence q : batch) {
            seqs.add(q.ids());
            t = Math.max(t, q.ids().length);
        }
        List<Long> at = new ArrayList<>();
        List<Long> target = new ArrayList<>();
        for (int r = 0; r < batch.size(); r++) {
            long[] ids = batch.get(r).ids();
            for (int i = batch.get(r).firstTarget(); i < ids.length - 1; i++) {
                at.add((long) r * t + i);
                target.add(ids[i + 1]);
            }
        }
        long[] atArr = at.stream().mapToLong(Long::longValue).toArray();
        long[] tgtArr = target.stream().mapToLong(Long::longValue).toArray();
        float lossValue;
        try (NDManager sc = gpt.newScope()) {
            Batch b = Batch.right(seqs, tok.padId());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = gpt.forward(sc, b, HIDDEN).get(Site.finalNormOut()).reshape(b.rows() * (long) t, d);
                NDArray sel = h.get(new NDIndex("{}", sc.create(atArr)));
                NDArray logits = sel.matMul(gpt.parameters().get(gpt.architecture().tokenEmbedding()).transpose());
                NDArray picked = logits.logSoftmax(-1).gather(sc.create(tgtArr).reshape(tgtArr.length, 1), 1);
                NDArray loss = picked.mean().neg();
                gc.backward(loss);
                lossValue = loss.getFloat();
            }
            update(sc);
        }
        step++;
        return lossValue;
    }

    private void update(NDManager sc) {
        Map<String, NDArray> grads = new HashMap<>();
        double sq = 0;
        for (Map.Entry<String, NDArray> e : gpt.parameters().all().entrySet()) {
            NDArray g = e.getValue().getGradient();
            g.attach(sc);
            grads.put(e.getKey(), g);
            sq += g.square().sum().getFloat();
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            // a non-finite gradient (a diverging step; before Layers.scalar, also freed scalars): skip this step,
            // zero the gradients, keep weights and moments
            for (NDArray g : grads.values()) g.set(new NDIndex(":"), 0f);
            skipped++;
            return;
        }
        float scale = (float) (norm > s.clip() ? s.clip() / norm : 1.0);
        double lr = lrAt(step);
        int t = step + 1;
        float bc1 = (float) (1 - Math.pow(s.beta1(), t));
        float bc2 = (float) (1 - Math.pow(s.beta2(), t));
        for (Map.Entry<String, NDArray> e : gpt.parameters().all().entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            NDArray g = grads.get(name);
            NDArray gs = g.mul(scale);
            NDArray mm = m.get(name);
            NDArray vv = v.get(name);
            mm.muli((float) s.beta1()).addi(gs.mul((float) (1 - s.beta1())));
            vv.muli((float) s.beta2()).addi(gs.square().muli((float) (1 - s.beta2())));
            NDArray denom = vv.div(bc2);
            denom.attach(sc);
            NDArray upd = mm.div(denom.sqrt().addi(1e-8f));
            upd.attach(sc);
            upd.muli((float) (lr / bc1));
            boolean decay = p.getShape().dimension() == 2;
            if (decay && s.weightDecay() > 0) p.muli((float) (1 - lr * s.weightDecay()));
            p.subi(upd);
            g.subi(g);
        }
    }

    /** Steps skipped because the gradient was not finite. */
    public int skipped() {
        return skipped;
    }

    /** Steps done. */
    public int steps() {
        return step;
    }

    /** Frees the optimizer state. */
    public void close() {
        optManager.close();
    }

    /**
     * Runs {@code settings.steps()} steps over batches drawn by {@code sampler}, reporting each step to
     * {@code listener} and checking {@code cancel} before each.
     */
    public void run(java.util.function.Supplier<List<Sequence>> sampler, ProgressListener listener, CancellationToken cancel) {
        while (step < s.steps()) {
            cancel.check("training");
            double loss = step(sampler.get());
            listener.update(step, s.steps(), String.format("loss %.4f", loss));
        }
    }
}
