package org.rome4j.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.data.KnownFact;
import org.rome4j.eval.FactRecall;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;
import org.rome4j.progress.Eta;
import org.rome4j.progress.ProgressListener;

import org.rome4j.io.Outputs;
import org.rome4j.io.RunLock;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Causal traces averaged over a known_1000-format fact file (paper Fig. 2 and App. B; the original's
 * {@code experiments/causal_trace.py main} plus its averaging notebook).
 *
 * <p>Facts the model gets wrong ({@link FactRecall}: greedy next token ≠ first token of
 * {@code " " + attribute}) are counted and listed, not traced. Each known fact is traced for resid,
 * MLP and attention with every token restored; its three results go to
 * {@code cacheDir/cases/<known_id>.json}, so an interrupted run resumes where it stopped. The noise
 * level {@code s<k>} uses the subjects of every fact of the file (before any limit), as the original does.
 *
 * <pre>{@code
 * DatasetResult avg = DatasetTrace.builder(gpt).setFacts(KnownFacts.read(path)).optCacheDir(Path.of("traces"))
 *         .optListener((done, total, msg) -> System.err.println(done + "/" + total + " " + msg))
 *         .build().run();
 * avg.table().write().csv("avg.csv");
 * }</pre>
 */
public final class DatasetTrace {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The kinds every fact is traced for, in the order {@link #traceFact} returns them. */
    public static final List<Kind> KINDS = List.of(Kind.RESID, Kind.MLP, Kind.ATTN);
    /** The facts that failed, in the output folder. */
    public static final String ERRORS = "errors.csv";

    private final Gpt gpt;
    private final List<KnownFact> facts;
    private final List<String> subjects;
    private final Path cacheDir;
    private final int window;
    private final int samples;
    private final Noise noise;
    private final ProgressListener listener;
    private final CancellationToken cancel;
    private final String factsSha256;

    private DatasetTrace(Builder b) {
        this.gpt = b.gpt;
        this.facts = b.limit >= 0 && b.limit < b.facts.size() ? List.copyOf(b.facts.subList(0, b.limit)) : List.copyOf(b.facts);
        this.subjects = b.facts.stream().map(KnownFact::subject).toList();   // the noise level uses the whole file, limit or not
        this.factsSha256 = sha256(b.facts);
        this.cacheDir = b.cacheDir;
        this.window = b.window;
        this.samples = b.samples;
        this.noise = b.noise;
        this.listener = b.listener;
        this.cancel = b.cancel;
    }

    /** A builder for a model. */
    public static Builder builder(Gpt gpt) {
        return new Builder(gpt);
    }

    /**
     * Traces every known fact not yet cached and aggregates all of them.
     *
     * @throws java.util.concurrent.CancellationException when cancelled (cached facts stay)
     */
    public DatasetResult run() {
        cancel.check("dataset trace");
        if (cacheDir == null) return runLocked();
        // one run at a time in a folder: a second one is told it is in use rather than racing the first one's files
        try (RunLock lock = RunLock.take(cacheDir, "the trace folder " + cacheDir)) {
            return runLocked();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the cache folder " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    private DatasetResult runLocked() {
        double std = EmbeddingStd.of(gpt, subjects);
        double scale = noise.scaleFor(std);
        if (cacheDir != null) checkCache(scale);
        listener.update(0, facts.size(), "checking which facts " + gpt.name() + " knows");
        Map<KnownFact, String> errors = new LinkedHashMap<>();
        FactRecall.Result recall = recall(errors);
        List<FactRecall.Check> known = recall.checks().stream().filter(FactRecall.Check::correct).toList();
        Map<Kind, List<TraceResult>> results = new EnumMap<>(Kind.class);
        for (Kind k : KINDS) results.put(k, new ArrayList<>());
        int done = 0;
        Eta eta = new Eta();
        for (FactRecall.Check c : known) {
            cancel.check("dataset trace");
            KnownFact f = c.fact();
            List<TraceResult> rs = cached(f);
            String how = "cached";
            if (rs == null) {
                long t0 = System.nanoTime();
                try {
                    rs = traceFact(gpt, f, window, samples, noise, std, cancel);
                } catch (CancellationException e) {
                    throw e;
                } catch (RuntimeException e) {   // one bad fact is listed in errors.csv, as eval and the Spark job do
                    errors.put(f, e.getClass().getSimpleName() + ": " + e.getMessage());
                    listener.update(++done, known.size(), "fact " + f.id() + " failed: " + e.getMessage());
                    continue;
                }
                store(f, rs);
                eta.computed(System.nanoTime() - t0);
                how = "traced";
            }
            for (int i = 0; i < KINDS.size(); i++) results.get(KINDS.get(i)).add(rs.get(i));
            done++;
            listener.update(done, known.size(), how + " " + f.id() + ": " + f.prompt() + " -> " + rs.get(0).answer().strip()
                    + eta.suffix(known.size() - done));
        }
        writeErrors(errors);
        return new DatasetResult(gpt.name(), facts.size(), recall.wrong(), results, window, samples, noise.describe(), scale);
    }

    /** Which facts the model knows; when a batch fails, fact by fact, and a fact that fails is an error. */
    private FactRecall.Result recall(Map<KnownFact, String> errors) {
        try {
            return FactRecall.check(gpt, facts, 64);
        } catch (RuntimeException batch) {
            List<FactRecall.Check> ok = new ArrayList<>();
            for (KnownFact f : facts) {
                cancel.check("dataset trace");
                try {
                    ok.addAll(FactRecall.check(gpt, List.of(f), 1).checks());
                } catch (RuntimeException e) {
                    errors.put(f, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            return new FactRecall.Result(List.copyOf(ok));
        }
    }

    /** {@code errors.csv} (idx,known_id,prompt,error; idx counts facts from 0), as the Spark job writes it; a rerun retries them. */
    private void writeErrors(Map<KnownFact, String> errors) {
        if (!errors.isEmpty()) {
            listener.update(facts.size(), facts.size(), errors.size() + " of " + facts.size() + " facts failed"
                    + (cacheDir == null ? "" : "; see " + cacheDir.resolve(ERRORS) + " (a rerun retries them)"));
        }
        if (cacheDir == null) return;
        IntColumn idx = IntColumn.create("idx");
        IntColumn id = IntColumn.create("known_id");
        StringColumn prompt = StringColumn.create("prompt");
        StringColumn error = StringColumn.create("error");
        errors.forEach((f, e) -> {
            idx.append(facts.indexOf(f));
            id.append(f.id());
            prompt.append(f.prompt());
            error.append(e);
        });
        Table t = Table.create("errors").addColumns(idx, id, prompt, error);
        try {
            Outputs.file(cacheDir.resolve(ERRORS), true, "--overwrite", tmp -> t.write().csv(tmp.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + cacheDir.resolve(ERRORS) + ": " + e.getMessage(), e);
        }
    }

    /**
     * One fact's traces for {@link #KINDS}, every token restored: the per-fact work of {@link #run}, and
     * what a Spark task runs per fact. The noise is drawn from its own seed for each fact, so the
     * result does not depend on which facts ran before it or where.
     *
     * @param embeddingStd the subject-embedding standard deviation the noise level is relative to
     */
    public static List<TraceResult> traceFact(Gpt gpt, KnownFact f, int window, int samples, Noise noise, double embeddingStd,
                                              CancellationToken cancel) {
        return CausalTrace.builder(gpt).setPrompt(f.prompt()).setSubject(f.subject()).optWindow(window)
                .optSamples(samples).optNoise(noise).optEmbeddingStd(embeddingStd).optExpect(f.attribute())
                .optCancellation(cancel).build().run(KINDS);
    }

    private Path caseFile(KnownFact f) {
        return cacheDir.resolve("cases").resolve(f.id() + ".json");
    }

    private void checkCache(double scale) {
        try {
            Files.createDirectories(cacheDir.resolve("cases"));
            ObjectNode cfg = JSON.createObjectNode();
            cfg.put("model", gpt.name()).put("window", window).put("samples", samples).put("noise", noise.describe())
                    .put("noise_scale", scale).put("facts_sha256", factsSha256);
            Path file = cacheDir.resolve("config.json");
            if (Files.isRegularFile(file)) {
                JsonNode old = JSON.readTree(file.toFile());
                if (!old.equals(cfg)) {
                    List<String> differ = new ArrayList<>();
                    cfg.fieldNames().forEachRemaining(k -> {
                        if (!cfg.get(k).equals(old.get(k))) differ.add(k.equals("facts_sha256") ? "facts file" : k);
                    });
                    throw new IllegalArgumentException(cacheDir + " holds the traces of another run (its " + String.join(", ", differ)
                            + " differ" + (differ.size() == 1 ? "s" : "") + "): choose a new folder, or delete this one to start again");
                }
            } else {
                Outputs.file(file, false, "--overwrite", tmp -> JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), cfg));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the cache folder " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    private List<TraceResult> cached(KnownFact f) {
        if (cacheDir == null) return null;
        Path file = caseFile(f);
        if (!Files.isRegularFile(file)) return null;
        try {
            JsonNode n = JSON.readTree(file.toFile());
            List<TraceResult> out = new ArrayList<>();
            for (Kind k : KINDS) {
                TraceResult r = TraceResult.fromJson(n.get(k.id()).toString());
                if (!r.prompt().equals(f.prompt()) || !r.subject().equals(f.subject())) return null;
                out.add(r);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return null;   // unreadable (e.g. cut off mid-write by a crash): trace it again
        }
    }

    private void store(KnownFact f, List<TraceResult> rs) {
        if (cacheDir == null) return;
        try {
            ObjectNode n = JSON.createObjectNode();
            for (int i = 0; i < KINDS.size(); i++) n.set(KINDS.get(i).id(), JSON.readTree(rs.get(i).toJson()));
            Outputs.file(caseFile(f), true, "--overwrite", tmp -> JSON.writeValue(tmp.toFile(), n));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trace of fact " + f.id() + " to " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    /** A builder: {@code setX} required, {@code optX} optional. */
    public static final class Builder {
        private final Gpt gpt;
        private List<KnownFact> facts;
        private Path cacheDir;
        private Integer window;   // null: Kind.scaledWindow of the model's depth
        private int samples = 10;
        private int limit = -1;
        private Noise noise = Noise.defaults();
        private ProgressListener listener = ProgressListener.NONE;
        private CancellationToken cancel = CancellationToken.NONE;

        private Builder(Gpt gpt) {
            this.gpt = gpt;
        }

        /** The facts (required), e.g. {@code KnownFacts.read(path)}. */
        public Builder setFacts(List<KnownFact> f) { this.facts = f; return this; }
        /** Where each fact's traces are cached (default: no cache). */
        public Builder optCacheDir(Path dir) { this.cacheDir = dir; return this; }
        /** Window of MLP/attention layers (default: {@link Kind#scaledWindow} of the model's depth). */
        public Builder optWindow(int w) { this.window = w; return this; }
        /** Corrupted samples (default 10). */
        public Builder optSamples(int n) { this.samples = n; return this; }
        /** Only the first n facts of the file. */
        public Builder optLimit(int n) { this.limit = n; return this; }
        /** The noise (default s3 over the facts' subjects). */
        public Builder optNoise(Noise n) { this.noise = n; return this; }
        /** Progress after each fact. */
        public Builder optListener(ProgressListener l) { this.listener = l; return this; }
        /** Checked before each fact and between forwards. */
        public Builder optCancellation(CancellationToken c) { this.cancel = c; return this; }

        /** Validates and builds. */
        public DatasetTrace build() {
            if (facts == null || facts.isEmpty()) throw new IllegalArgumentException("no facts: setFacts(KnownFacts.read(file))");
            Map<Integer, Integer> seen = new HashMap<>();
            for (int i = 0; i < facts.size(); i++) {
                Integer before = seen.putIfAbsent(facts.get(i).id(), i);
                if (before != null) {
                    throw new IllegalArgumentException("known_id " + facts.get(i).id() + " appears twice (facts " + before + " and " + i
                            + "): ids name the cached traces, so they must be unique; fix the facts file");
                }
            }
            if (window == null) window = Kind.scaledWindow(gpt.nLayer());
            if (window < 1) throw new IllegalArgumentException("window must be >= 1, got " + window);
            if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
            if (noise.suppliedDraws()) {
                throw new IllegalArgumentException("supplied noise draws fit one prompt; a dataset trace draws its own (pass a spec)");
            }
            if (listener == null || cancel == null) throw new IllegalArgumentException("listener and cancellation must not be null");
            return new DatasetTrace(this);
        }
    }

    /** The SHA-256 of the facts' text: the whole file (the noise level depends on all of it), not only the traced part. */
    private static String sha256(List<KnownFact> facts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (KnownFact f : facts) md.update((f + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
