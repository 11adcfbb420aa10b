package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Text generation with a KV cache: greedy, or top-k sampling from a seeded generator (the same seed
 * gives the same text). Prompts of different lengths are left-padded into one batch so every row's
 * next token comes from the same step.
 *
 * <pre>{@code
 * List<Generator.Result> out = Generator.builder().maxNewTokens(20).topK(5).seed(1).build()
 *     .generate(gpt, List.of("The Eiffel Tower is in", "Michael Jordan plays"));
 * }</pre>
 */
public final class Generator {

    /** One prompt's continuation. */
    public record Result(String prompt, long[] promptIds, long[] newIds, String text) {
        /** Prompt plus continuation. */
        public String fullText() {
            return prompt + text;
        }
    }

    private final int maxNewTokens;
    private final int topK;
    private final long seed;
    private final boolean stopAtEos;
    private final Interventions interventions;

    private Generator(Builder b) {
        this.maxNewTokens = b.maxNewTokens;
        this.topK = b.topK;
        this.seed = b.seed;
        this.stopAtEos = b.stopAtEos;
        this.interventions = b.interventions;
    }

    /** A builder: greedy, 20 new tokens, by default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link Generator}. */
    public static final class Builder {
        private int maxNewTokens = 20;
        private int topK = 0;
        private long seed = 0;
        private boolean stopAtEos = true;
        private Interventions interventions = Interventions.NONE;

        private Builder() { }

        /** Tokens to generate per prompt (≥ 1). */
        public Builder maxNewTokens(int n) {
            if (n < 1) throw new IllegalArgumentException("max new tokens must be >= 1, got " + n);
            this.maxNewTokens = n;
            return this;
        }

        /** Sample from the k most likely tokens; 0 (default) is greedy. */
        public Builder topK(int k) {
            if (k < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 = greedy), got " + k);
            this.topK = k;
            return this;
        }

        /** Seed of the sampler. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Whether a row stops after {@code <|endoftext|>} (default true). */
        public Builder stopAtEos(boolean stop) {
            this.stopAtEos = stop;
            return this;
        }

        /** Interventions applied at every step (sites see only the step's new tokens). */
        public Builder interventions(Interventions iv) {
            this.interventions = iv;
            return this;
        }

        /** Builds the generator. */
        public Generator build() {
            return new Generator(this);
        }
    }

    /** Generates a continuation of each prompt. */
    public List<Result> generate(Gpt gpt, List<String> prompts) {
        List<long[]> ids = new ArrayList<>();
        for (String p : prompts) ids.add(gpt.tokenizer().ids(p));
        List<long[]> out = generateIds(gpt, ids);
        List<Result> results = new ArrayList<>();
        for (int r = 0; r < prompts.size(); r++) {
            results.add(new Result(prompts.get(r), ids.get(r), out.get(r), continuation(gpt.tokenizer(), ids.get(r), out.get(r))));
        }
        return results;
    }

    /**
     * The text the new tokens add to the prompt: decoded together with the prompt, since decoders
     * may strip a leading space from a lone token (word-level tokenizers with an added prefix space).
     */
    static String continuation(TextTokenizer tok, long[] prompt, long[] added) {
        long[] all = java.util.Arrays.copyOf(prompt, prompt.length + added.length);
        System.arraycopy(added, 0, all, prompt.length, added.length);
        String head = tok.decode(prompt);
        String full = tok.decode(all);
        return full.startsWith(head) ? full.substring(head.length()) : tok.decode(added);
    }

    /** Generates new token ids for each prompt's ids. */
    public List<long[]> generateIds(Gpt gpt, List<long[]> prompts) {
        Batch batch = Batch.left(prompts, gpt.tokenizer().padId());
        int b = batch.rows();
        int t = batch.tokens();
        int room = gpt.config().nPositions() - t;
        int steps = Math.min(maxNewTokens, room);
        if (steps < 1) {
            throw new IllegalArgumentException("prompt has " + t + " tokens, the model's context is " + gpt.config().nPositions()
                    + ": shorten the prompt");
        }
        Random rng = new Random(seed);
        long eos = gpt.tokenizer().padId();
        long[][] generated = new long[b][steps];
        int[] count = new int[b];
        boolean[] done = new boolean[b];
        long[][] ids = new long[b][t];
        long[][] pos = new long[b][t];
        int[][] mask = new int[b][t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                ids[r][i] = batch.id(r, i);
                pos[r][i] = batch.position(r, i);
                mask[r][i] = batch.mask(r, i);
            }
        }
        try (NDManager scope = gpt.newScope(); KvCache cache = new KvCache(scope, gpt.nLayer())) {
            for (int s = 0; s < steps; s++) {
                float[] logits;
                try (NDManager stepScope = scope.newSubManager()) {
                    NDArray l = gpt.step(stepScope, ids, pos, mask, cache, interventions).logits();
                    logits = l.toFloatArray();
                }
                int v = logits.length / b;
                long[][] nextIds = new long[b][1];
                long[][] nextPos = new long[b][1];
                int[][] nextMask = new int[b][1];
                boolean all = true;
                for (int r = 0; r < b; r++) {
                    long tok = done[r] ? eos : choose(logits, r * v, v, rng);
                    if (!done[r]) {
                        generated[r][count[r]++] = tok;
                        if (stopAtEos && tok == eos) done[r] = true;
                    }
                    all &= done[r];
                    nextIds[r][0] = tok;
                    nextPos[r][0] = pos[r][pos[r].length - 1] + 1;
                    nextMask[r][0] = 1;
                }
                if (all) break;
                ids = nextIds;
                pos = nextPos;
                mask = nextMask;
            }
        }
        List<long[]> out = new ArrayList<>();
        for (int r = 0; r < b; r++) out.add(java.util.Arrays.copyOf(generated[r], count[r]));
        return out;
    }

    private long choose(float[] logits, int from, int v, Random rng) {
        if (topK == 0) {
            int best = 0;
            for (int i = 1; i < v; i++) if (logits[from + i] > logits[from + best]) best = i;
            return best;
        }
        int k = Math.min(topK, v);
        int[] top = new int[k];
        java.util.Arrays.fill(top, -1);
        for (int i = 0; i < v; i++) {
            float x = logits[from + i];
            int j = k - 1;
            if (top[j] >= 0 && logits[from + top[j]] >= x) continue;
            while (j > 0 && (top[j - 1] < 0 || logits[from + top[j - 1]] < x)) {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = i;
        }
        double max = logits[from + top[0]];
        double[] p = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            p[j] = Math.exp(logits[from + top[j]] - max);
            sum += p[j];
        }
        double u = rng.nextDouble() * sum;
        for (int j = 0; j < k; j++) {
            u -= p[j];
            if (u <= 0) return top[j];
        }
        return top[k - 1];
    }
}
