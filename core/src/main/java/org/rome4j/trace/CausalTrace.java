package org.rome4j.trace;

import org.rome4j.model.Gpt;
import org.rome4j.model.TextTokenizer;
import org.rome4j.progress.CancellationToken;
import org.rome4j.progress.ProgressListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Causal tracing of one fact (Meng et al. 2022, Fig. 1 and 3; the original's
 * {@code calculate_hidden_flow} and {@code trace_with_repatch}).
 *
 * <p>The clean run gives the answer (argmax at the last token) and its probability (high score). The
 * corrupted run adds noise to the subject's token embeddings on {@code samples} rows; the mean
 * P(answer) is the low score. Each restored run copies the clean value of one site back at one token
 * and measures P(answer) again: the residual stream after block l ({@link Kind#RESID}), or the MLP or
 * attention outputs of a window of layers around l ({@link Kind#MLP}, {@link Kind#ATTN}).
 * {@link Builder#optFrozen} additionally pins the MLP (or attention) outputs at the restored token in
 * every layer to their corrupted values, so the restored state can act only through the other path.
 *
 * <pre>{@code
 * try (Gpt gpt = Models.load("tiny-facts")) {
 *     TraceResult r = CausalTrace.builder(gpt)
 *             .setPrompt("The Space Needle is in downtown").setSubject("The Space Needle")
 *             .optKind(Kind.MLP).optWindow(10).build().run();
 *     Table t = r.table();
 *     Figure f = r.figure();
 * }
 * }</pre>
 *
 * <p>Schedule: by default many cells share one forward, and each restarts from the cached corrupted
 * activations at the first layer its patch touches ({@link Schedule#BATCHED}); {@link Schedule#NAIVE}
 * is the original's one-forward-per-cell schedule, kept for benchmarks and checks. Both give the same
 * scores up to float32 rounding.
 */
public final class CausalTrace {
    /** Which tokens to restore. */
    public enum TokenRange {
        /** Every token of the prompt. */
        ALL,
        /** Only the subject's last token (paper Fig. 3). */
        LAST_SUBJECT;

        /** Parses {@code all} or {@code last_subject}. */
        public static TokenRange parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
                case "all" -> ALL;
                case "last_subject", "subject_last", "last" -> LAST_SUBJECT;
                default -> throw new IllegalArgumentException("unknown token range " + s + ": use all or last_subject");
            };
        }
    }

    /** How restored runs are scheduled. */
    public enum Schedule {
        /** Many cells per forward, each started at its first restored layer from cached corrupted activations. */
        BATCHED,
        /** The original's: one full forward of 1 + samples rows per cell. */
        NAIVE
    }

    private final Gpt gpt;
    private final String prompt;
    private final String subject;
    private final Kind kind;
    private final int window;
    private final int samples;
    private final Noise noise;
    private final TokenRange range;
    private final String expect;
    private final Kind frozen;
    private final Schedule schedule;
    private final int maxRows;
    private final Double embeddingStd;
    private final CancellationToken cancel;
    private final ProgressListener progress;

    private CausalTrace(Builder b) {
        this.gpt = b.gpt;
        this.prompt = b.prompt;
        this.subject = b.subject;
        this.kind = b.kind;
        this.window = b.window;
        this.samples = b.samples;
        this.noise = b.noise;
        this.range = b.range;
        this.expect = b.expect;
        this.frozen = b.frozen;
        this.schedule = b.schedule;
        this.maxRows = b.maxRows;
        this.embeddingStd = b.embeddingStd;
        this.cancel = b.cancel;
        this.progress = b.progress;
    }

    /** A builder for a model. */
    public static Builder builder(Gpt gpt) {
        return new Builder(gpt);
    }

    /** Runs the configured trace. */
    public TraceResult run() {
        try (Prepared p = prepare()) {
            return p.trace(List.of(kind), frozen).get(0);
        }
    }

    /**
     * Runs the configured prompt for several kinds, sharing the clean and corrupted runs; in the
     * batched schedule the cells of every kind share forwards.
     */
    public List<TraceResult> run(List<Kind> kinds) {
        try (Prepared p = prepare()) {
            return p.trace(kinds, frozen);
        }
    }

    /**
     * Paper Fig. 3 for this prompt: at the last subject token, per layer, the effect of restoring the
     * state alone, with attention severed (pinned to corrupted) and with the MLP severed.
     */
    public FrozenResult runFrozen() {
        try (Prepared p = prepare()) {
            int t = p.tracer.subjectEnd - 1;
            int nl = gpt.nLayer();
            List<Tracer.Cell> cells = new ArrayList<>();
            for (Kind frz : new Kind[] {null, Kind.ATTN, Kind.MLP}) {
                for (int l = 0; l < nl; l++) cells.add(new Tracer.Cell(t, l, Kind.RESID, frz));
            }
            double[] all = p.scores(cells);
            double[] plain = java.util.Arrays.copyOfRange(all, 0, nl);
            double[] noAttn = java.util.Arrays.copyOfRange(all, nl, 2 * nl);
            double[] noMlp = java.util.Arrays.copyOfRange(all, 2 * nl, 3 * nl);
            TraceResult base = p.result(Kind.RESID, null, new int[] {t}, new double[][] {plain});
            return new FrozenResult(base, plain, noAttn, noMlp);
        }
    }

    /** The prompt's tokens, subject range, noise and the clean and corrupted runs. */
    Prepared prepare() {
        TextTokenizer.Encoded enc = gpt.tokenizer().encode(prompt);
        if (enc.size() == 0) {
            throw new IllegalArgumentException("empty prompt: give a prompt that contains the subject");
        }
        int[] sr;
        try {
            sr = TextTokenizer.subjectRange(enc, subject);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("subject \"" + subject + "\" is not in the prompt; its tokens are "
                    + String.join("|", decoded(enc)) + "; pass a subject that appears in the prompt exactly (case-sensitive)");
        }
        int d = gpt.config().nEmbd();
        int n = sr[1] - sr[0];
        SampleBudget.check(samples, n, d, enc.size());
        double[] z = noise.draw(samples, n, d);
        double scale = embeddingStd != null ? noise.scaleFor(embeddingStd) : noise.scaleFor(gpt);
        double[] scaled = new double[z.length];
        for (int i = 0; i < z.length; i++) scaled[i] = scale * z[i];
        // the scores are means over samples, so samples can run in chunks whose states fit the budget; one
        // chunk's states are held at a time (the first's stays for the prompt's answer and clean score)
        int chunk = SampleBudget.perChunk(gpt, enc.size());
        List<double[]> parts = new ArrayList<>();
        for (int from = 0; from < samples; from += chunk) {
            int k = Math.min(chunk, samples - from);
            parts.add(java.util.Arrays.copyOfRange(scaled, from * n * d, (from + k) * n * d));
        }
        return new Prepared(enc.ids(), parts, decoded(enc), sr, scale);
    }

    private String[] decoded(TextTokenizer.Encoded enc) {
        String[] out = new String[enc.size()];
        for (int i = 0; i < out.length; i++) out[i] = gpt.tokenizer().tokenText(enc.ids()[i]);
        return out;
    }

    /** Clean and corrupted runs of one prompt, ready for restored runs. */
    final class Prepared implements AutoCloseable {
        final Tracer tracer;                 // the first chunk: ids, subject, clean answer (the same in every chunk)
        private final long[] ids;
        private final List<double[]> noiseChunks;   // scaled noise of each sample chunk
        final String[] tokens;
        final int[] subjectRange;
        final double scale;
        /** Mean corrupted score over every sample; known once {@link #scores} has run every chunk. */
        double lowScore;

        Prepared(long[] ids, List<double[]> noiseChunks, String[] tokens, int[] subjectRange, double scale) {
            this.ids = ids;
            this.noiseChunks = noiseChunks;
            this.tokens = tokens;
            this.subjectRange = subjectRange;
            this.scale = scale;
            this.tracer = tracer(0);
            this.lowScore = tracer.lowScore;
        }

        private int size(int chunk) {
            return noiseChunks.get(chunk).length / ((subjectRange[1] - subjectRange[0]) * gpt.config().nEmbd());
        }

        private Tracer tracer(int chunk) {
            Tracer t = new Tracer(gpt, ids, subjectRange[0], subjectRange[1], size(chunk), noiseChunks.get(chunk),
                    noise.replace(), cancel);
            t.maxRows = maxRows;
            return t;
        }

        int[] positions() {
            if (range == TokenRange.LAST_SUBJECT) return new int[] {subjectRange[1] - 1};
            int[] p = new int[tokens.length];
            for (int i = 0; i < p.length; i++) p[i] = i;
            return p;
        }

        /**
         * Scores of cells: sample chunks one after another, each chunk's corrupted run made, used and freed;
         * progress after every forward, cancellation checked before every forward.
         */
        double[] scores(List<Tracer.Cell> cells) {
            int nChunks = noiseChunks.size();
            long total = (long) cells.size() * nChunks;
            long[] done = {0};
            double[] sum = new double[cells.size()];
            double low = 0;
            for (int i = 0; i < nChunks; i++) {
                Tracer t = i == 0 ? tracer : tracer(i);
                try {
                    t.scored = k -> {
                        done[0] += k;
                        progress.update(done[0], total, "restored cells of \"" + prompt + "\"");
                    };
                    double[] part = schedule == Schedule.NAIVE ? t.naive(cells, window) : t.batched(cells, window);
                    int w = size(i);
                    for (int c = 0; c < sum.length; c++) sum[c] += nChunks == 1 ? part[c] : part[c] * w;
                    low += t.lowScore * w;
                } finally {
                    if (t != tracer) t.close();
                }
            }
            if (nChunks > 1) {
                for (int c = 0; c < sum.length; c++) sum[c] /= samples;
                lowScore = low / samples;
            }
            return sum;
        }

        List<TraceResult> trace(List<Kind> kinds, Kind frz) {
            int[] pos = positions();
            int nl = gpt.nLayer();
            List<Tracer.Cell> cells = new ArrayList<>();
            for (Kind k : kinds) for (int t : pos) for (int l = 0; l < nl; l++) cells.add(new Tracer.Cell(t, l, k, frz));
            double[] flat = scores(cells);
            List<TraceResult> out = new ArrayList<>();
            int at = 0;
            for (Kind k : kinds) {
                double[][] sc = new double[pos.length][nl];
                for (int i = 0; i < pos.length; i++) {
                    System.arraycopy(flat, at, sc[i], 0, nl);
                    at += nl;
                }
                out.add(result(k, frz, pos, sc));
            }
            return out;
        }

        TraceResult result(Kind k, Kind frz, int[] pos, double[][] sc) {
            return new TraceResult(gpt.name(), prompt, subject, tokens, tracer.ids, subjectRange, pos, sc, lowScore,
                    tracer.highScore, tracer.answerId, gpt.tokenizer().tokenText(tracer.answerId), k, window, frz,
                    noise.describe(), scale, samples, expect);
        }

        @Override
        public void close() {
            tracer.close();
        }
    }

    /** A builder: {@code setX} required, {@code optX} optional. */
    public static final class Builder {
        private final Gpt gpt;
        private String prompt;
        private String subject;
        private Kind kind = Kind.RESID;
        private Integer window;   // null: Kind.scaledWindow of the model's depth
        private int samples = 10;
        private Noise noise = Noise.defaults();
        private TokenRange range = TokenRange.ALL;
        private String expect;
        private Kind frozen;
        private Schedule schedule = Schedule.BATCHED;
        private int maxRows = 256;
        private Double embeddingStd;
        private CancellationToken cancel = CancellationToken.NONE;
        private ProgressListener progress = ProgressListener.NONE;

        private Builder(Gpt gpt) {
            if (gpt == null) throw new IllegalArgumentException("model is null");
            this.gpt = gpt;
        }

        /** The prompt, containing the subject (required). */
        public Builder setPrompt(String p) { this.prompt = p; return this; }
        /** The subject, as it appears in the prompt (required). */
        public Builder setSubject(String s) { this.subject = s; return this; }
        /** What to restore (default resid). */
        public Builder optKind(Kind k) { this.kind = k; return this; }
        /** Window of MLP/attention layers, the original code's [l − w/2, l + w/2) clipped (default: {@link Kind#scaledWindow}). */
        public Builder optWindow(int w) { this.window = w; return this; }
        /** Corrupted samples (default 10). */
        public Builder optSamples(int n) { this.samples = n; return this; }
        /** The noise (default {@code s3}). */
        public Builder optNoise(Noise n) { this.noise = n; return this; }
        /** The tokens to restore (default all). */
        public Builder optTokenRange(TokenRange r) { this.range = r; return this; }
        /** The object the model should predict; the result says whether it does. */
        public Builder optExpect(String o) { this.expect = o; return this; }
        /** Pin this path (MLP or attention) at the restored token to corrupted values (paper Fig. 3). */
        public Builder optFrozen(Kind k) { this.frozen = k; return this; }
        /** Batched (default) or the original's naive schedule. */
        public Builder optSchedule(Schedule s) { this.schedule = s; return this; }
        /** Rows per batched forward (default 256); lower it to save memory on big models. */
        public Builder optMaxRows(int r) { this.maxRows = r; return this; }
        /** Use this embedding std for {@code s<k>} noise instead of computing it over known_1000. */
        public Builder optEmbeddingStd(double std) { this.embeddingStd = std; return this; }
        /**
         * Checked before every forward (the clean and corrupted runs of each sample chunk, each batch of
         * restored cells): a cancelled trace stops within one forward and throws
         * {@link java.util.concurrent.CancellationException}, returning no result.
         */
        public Builder optCancellation(CancellationToken c) { this.cancel = c; return this; }
        /** Told after every forward of restored cells: cells scored so far (over every sample chunk) of the total. */
        public Builder optProgress(ProgressListener p) { this.progress = p; return this; }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the bad setting and the fix
         */
        public CausalTrace build() {
            if (prompt == null || prompt.isEmpty()) {
                throw new IllegalArgumentException("empty prompt: setPrompt(...) with a prompt that contains the subject");
            }
            if (subject == null || subject.isEmpty()) {
                throw new IllegalArgumentException("no subject: setSubject(...) with the subject as it appears in the prompt");
            }
            if (window == null) window = Kind.scaledWindow(gpt.nLayer());
            if (window < 1) throw new IllegalArgumentException("window must be >= 1, got " + window);
            if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
            if (maxRows < 1) throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
            if (kind == null || noise == null || range == null || schedule == null || cancel == null || progress == null) {
                throw new IllegalArgumentException("kind, noise, token range, schedule, cancellation and progress must not be null");
            }
            if (frozen == Kind.RESID) {
                throw new IllegalArgumentException("frozen must be mlp or attn (the path pinned to corrupted values)");
            }
            if (frozen != null && kind != Kind.RESID) {
                throw new IllegalArgumentException("a frozen trace restores states (kind resid), got kind " + kind);
            }
            return new CausalTrace(this);
        }
    }
}
