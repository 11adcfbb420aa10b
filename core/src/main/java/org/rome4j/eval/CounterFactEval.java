package org.rome4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.io.Outputs;
import org.rome4j.model.Generator;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;
import org.rome4j.progress.ProgressListener;
import org.rome4j.rome.Rome;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * The CounterFact evaluation of the original ({@code experiments/evaluate.py} with
 * {@code compute_rewrite_quality_counterfact}, summarised as {@code summarize.py}): for each record,
 * measure, edit, measure, undo. Per case it writes {@code case_{id}.json} with {@code pre} and
 * {@code post} (the negative log-probabilities of target_new and target_true after every prompt, the
 * generation entropy and, with tf-idf files, the reference score); existing case files are reused, so
 * an interrupted run resumes.
 *
 * <pre>{@code
 * CounterFactEval.Result r = CounterFactEval.builder(rome).outDir(Path.of("out")).build()
 *         .run(CounterFactRecord.read(Path.of("counterfact.json")));
 * System.out.println(r.table());    // ES, PS, NS, S, ... pre and post
 * }</pre>
 */
public final class CounterFactEval {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] GROUPS = {"rewrite_prompts", "paraphrase_prompts", "neighborhood_prompts", "attribute_prompts"};

    private final Rome rome;
    private final Path outDir;
    private final int limit;
    private final int genTokens;
    private final long seed;
    private final TfIdf tfidf;
    private final Map<String, Map<String, List<String[]>>> snippets;
    private final ProgressListener listener;
    private final CancellationToken cancel;

    private CounterFactEval(Builder b) {
        this.rome = b.rome;
        this.outDir = b.outDir;
        this.limit = b.limit;
        this.genTokens = b.genTokens;
        this.seed = b.seed;
        this.tfidf = b.tfidf;
        this.snippets = b.snippets;
        this.listener = b.listener;
        this.cancel = b.cancel;
    }

    /** A builder over an editing session. */
    public static Builder builder(Rome rome) {
        return new Builder(rome);
    }

    /** Options. */
    public static final class Builder {
        private final Rome rome;
        private Path outDir;
        private int limit = Integer.MAX_VALUE;
        private int genTokens = 100;
        private long seed = 0;
        private TfIdf tfidf;
        private Map<String, Map<String, List<String[]>>> snippets;
        private ProgressListener listener = ProgressListener.NONE;
        private CancellationToken cancel = CancellationToken.NONE;

        private Builder(Rome rome) {
            this.rome = rome;
        }

        /** Where case files go (required for resuming; null keeps results in memory only). */
        public Builder outDir(Path dir) {
            this.outDir = dir;
            return this;
        }

        /** Evaluate at most n records. */
        public Builder limit(int n) {
            this.limit = n;
            return this;
        }

        /**
         * New tokens per generation-entropy text, top-5 sampled (the original generates up to 100 tokens
         * including the prompt); 0 skips generation.
         */
        public Builder generationTokens(int n) {
            this.genTokens = n;
            return this;
        }

        /** Seed of the top-5 sampling of generations. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Reference score inputs: the original's tf-idf vocabulary/idf and {@code attribute_snippets.json} ({@link Reference#read}). */
        public Builder reference(Reference r) {
            this.tfidf = r.tfidf();
            this.snippets = r.snippets();
            return this;
        }

        /** Progress in cases. */
        public Builder optListener(ProgressListener l) {
            this.listener = l;
            return this;
        }

        /** Checked between cases. */
        public Builder optCancellation(CancellationToken c) {
            this.cancel = c;
            return this;
        }

        /** Builds. */
        public CounterFactEval build() {
            return new CounterFactEval(this);
        }
    }

    /**
     * The consistency metric's inputs, read once (commands read them before the model loads, so a bad file fails at once).
     *
     * @param tfidf    the TF-IDF vectorizer
     * @param snippets relation → target id → [(subject name, text)]
     */
    public record Reference(TfIdf tfidf, Map<String, Map<String, List<String[]>>> snippets) {
        /** Reads the original's {@code tfidf_vocab.json}, {@code idf.npy} and {@code attribute_snippets.json}. */
        public static Reference read(Path vocab, Path idf, Path snippets) throws IOException {
            for (Path f : List.of(vocab, idf, snippets)) {
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("consistency-metric file not found: " + f + "; fetch the original's with "
                            + "rome4j download-data counterfact, or leave out --tfidf-vocab, --idf and --snippets");
                }
            }
            return new Reference(TfIdf.read(vocab, idf), readSnippets(snippets));
        }
    }

    /** {@code attribute_snippets.json}: relation → target id → [(subject name, text)]. */
    static Map<String, Map<String, List<String[]>>> readSnippets(Path file) throws IOException {
        Map<String, Map<String, List<String[]>>> out = new HashMap<>();
        for (JsonNode e : new ObjectMapper().readTree(file.toFile())) {
            List<String[]> xs = out.computeIfAbsent(e.get("relation_id").asText(), k -> new HashMap<>())
                    .computeIfAbsent(e.get("target_id").asText(), k -> new ArrayList<>());
            for (JsonNode s : e.get("samples")) xs.add(new String[] {s.path("name").asText(), s.get("text").asText()});
        }
        return out;
    }

    /** The summary and per-case results. */
    public record Result(List<ObjectNode> cases, Map<String, Double> pre, Map<String, Double> post) {
        /** One row per phase (pre, post): ES, EM, PS, PM, NS, NM, S, GE, RS (percent as the original's summary). */
        public Table table() {
            StringColumn phase = StringColumn.create("phase");
            IntColumn n = IntColumn.create("cases");
            Map<String, DoubleColumn> cols = new LinkedHashMap<>();
            for (String k : pre.keySet()) cols.put(k, DoubleColumn.create(k));
            for (Map.Entry<String, Map<String, Double>> e : Map.of("pre", pre, "post", post).entrySet().stream()
                    .sorted(Map.Entry.<String, Map<String, Double>>comparingByKey().reversed()).toList()) {
                phase.append(e.getKey());
                n.append(cases.size());
                for (Map.Entry<String, DoubleColumn> c : cols.entrySet()) c.getValue().append(e.getValue().getOrDefault(c.getKey(), Double.NaN));
            }
            Table t = Table.create("counterfact").addColumns(phase, n);
            cols.values().forEach(t::addColumns);
            return t;
        }

        /** Writes {@code summary.json} (pre, post, cases) and {@code summary.txt} (the table). */
        public void writeTo(Path dir) throws IOException {
            Files.createDirectories(dir);
            ObjectNode s = JSON.createObjectNode();
            s.set("pre", JSON.valueToTree(pre));
            s.set("post", JSON.valueToTree(post));
            s.put("cases", cases.size());
            Outputs.file(dir.resolve("summary.json"), true, "--overwrite", tmp -> JSON.writeValue(tmp.toFile(), s));
            String text = table().print();
            Outputs.file(dir.resolve("summary.txt"), true, "--overwrite", tmp -> Files.writeString(tmp, text));
        }
    }

    /** Evaluates records (edit, measure, undo each); resumes from case files in the output folder. */
    public Result run(List<CounterFactRecord> records) throws IOException {
        int n = Math.min(limit, records.size());
        ObjectNode made = JSON.createObjectNode().put("kind", "counterfact").put("model", rome.model().name())
                .put("generation_tokens", genTokens).put("seed", seed).put("consistency", tfidf != null);
        made.set("hparams", rome.hparams().toJson());
        List<ObjectNode> cases = CaseFiles.run(records, n, outDir, made, CounterFactRecord::caseId,
                r -> "case " + r.caseId() + ": " + r.request().text() + " -> " + r.request().targetNew(),
                this::evaluate, cancel, listener);
        Result res = result(cases);
        if (outDir != null) res.writeTo(outDir);
        return res;
    }

    /** The summary of case JSONs computed elsewhere (per record with {@link #evaluate}, e.g. by a Spark job), in case order. */
    public static Result result(List<ObjectNode> cases) {
        return new Result(List.copyOf(cases), summarize(cases, "pre"), summarize(cases, "post"));
    }

    /**
     * Edit, measure, undo for one record: the original's case JSON. Records are independent (the undo
     * restores the weights bit for bit, generations are seeded per case), so this is also what a Spark
     * task runs per record.
     */
    public ObjectNode evaluate(CounterFactRecord r) {
        ObjectNode c = JSON.createObjectNode();
        c.put("case_id", r.caseId());
        c.set("requested_rewrite", r.toJson().get("requested_rewrite"));
        c.set("pre", metrics(r));
        Rome.Trial<ObjectNode> t = rome.tryEdit(r.request(), e -> metrics(r));
        c.put("time", t.applySeconds());
        c.set("post", t.after());
        return c;
    }

    private ObjectNode metrics(CounterFactRecord r) {
        Gpt gpt = rome.model();
        List<List<String>> groups = List.of(List.of(r.request().text()), r.paraphrasePrompts(), r.neighborhoodPrompts(),
                r.attributePrompts());
        List<String> all = new ArrayList<>();
        groups.forEach(all::addAll);
        double[][] nll = testBatchPrediction(gpt, all, r.request().targetNew(), r.request().targetTrue());
        ObjectNode m = JSON.createObjectNode();
        int k = 0;
        for (int g = 0; g < GROUPS.length; g++) {
            ArrayNode a = m.putArray(GROUPS[g] + "_probs");
            for (int i = 0; i < groups.get(g).size(); i++, k++) {
                a.addObject().put("target_new", nll[k][0]).put("target_true", nll[k][1]);
            }
        }
        if (genTokens > 0 && !r.generationPrompts().isEmpty()) {
            List<String> texts = new ArrayList<>();
            for (Generator.Result g : Generator.builder().topK(5).seed(seed + r.caseId()).maxNewTokens(genTokens)
                    .build().generate(gpt, r.generationPrompts())) {
                texts.add(g.fullText());
            }
            m.put("ngram_entropy", NGramEntropy.mean(texts));
            if (tfidf != null) {
                List<String[]> ref = snippets.getOrDefault(r.relationId(), Map.of()).getOrDefault(r.targetNewId(), List.of());
                if (!ref.isEmpty()) {
                    m.put("reference_score", tfidf.referenceScore(texts, ref.stream().map(s -> s[1]).toList()));
                }
            }
            ArrayNode t = m.putArray("text");
            texts.forEach(t::add);
        }
        return m;
    }

    /**
     * {@code test_batch_prediction}: for each prefix, the mean negative log-probability of
     * {@code " " + target_new} and of {@code " " + target_true} after {@code prefix + " " + target}.
     * Returns [prefix][new, true].
     */
    static double[][] testBatchPrediction(Gpt gpt, List<String> prefixes, String targetNew, String targetTrue) {
        List<long[]> seqs = new ArrayList<>();
        List<int[]> q = new ArrayList<>();
        List<Long> toks = new ArrayList<>();
        int[][] lens = new int[prefixes.size()][2];
        for (int p = 0; p < prefixes.size(); p++) {
            for (int which = 0; which < 2; which++) {
                // one encoding of prefix + target, split by characters: the target's tokens as they follow the
                // prefix (right with a BOS and sentencepiece pieces; for GPT-2 the original's tok(" " + target))
                String suffix = which == 0 ? targetNew : targetTrue;
                long[][] split = suffix == null ? new long[][] {gpt.tokenizer().ids(prefixes.get(p)), new long[0]}
                        : gpt.tokenizer().split(prefixes.get(p), " " + suffix.strip());
                long[] tgt = split[1];
                int prefixLen = split[0].length;
                long[] ids = java.util.Arrays.copyOf(split[0], prefixLen + tgt.length);
                System.arraycopy(tgt, 0, ids, prefixLen, tgt.length);
                lens[p][which] = tgt.length;
                int row = seqs.size();
                seqs.add(ids);
                for (int j = 0; j < tgt.length; j++) {
                    q.add(new int[] {row, Math.min(ids.length - 1, prefixLen + j - 1)});
                    toks.add(tgt[j]);
                }
            }
        }
        double[][] out = new double[prefixes.size()][2];
        if (prefixes.isEmpty()) return out;
        int[] rows = q.stream().mapToInt(x -> x[0]).toArray();
        int[] pos = q.stream().mapToInt(x -> x[1]).toArray();
        Lm.Result lp = Lm.at(gpt, seqs, rows, pos, toks.stream().mapToLong(Long::longValue).toArray());
        int k = 0;
        for (int p = 0; p < prefixes.size(); p++) {
            for (int which = 0; which < 2; which++) {
                int len = lens[p][which];
                double s = 0;
                for (int j = 0; j < len; j++) s += -lp.logProb()[k++];
                out[p][which] = len == 0 ? Double.NaN : s / len;
            }
        }
        return out;
    }

    /**
     * {@code summarize.py}: per case the mean over its prompts, then the mean over cases, in percent.
     * ES/PS: P(new) > P(true) on rewrite/paraphrase prompts; NS: P(true) > P(new) on neighborhood
     * prompts; EM/PM/NM the matching probability differences; S the harmonic mean of ES, PS, NS; GE the
     * generation entropy; RS the reference score.
     */
    static Map<String, Double> summarize(List<ObjectNode> cases, String phase) {
        Map<String, List<Double>> acc = new LinkedHashMap<>();
        for (String k : List.of("ES", "EM", "PS", "PM", "NS", "NM", "S", "GE", "RS")) acc.put(k, new ArrayList<>());
        for (ObjectNode c : cases) {
            JsonNode m = c.get(phase);
            add(acc.get("ES"), m.get("rewrite_prompts_probs"), true, false);
            add(acc.get("EM"), m.get("rewrite_prompts_probs"), true, true);
            add(acc.get("PS"), m.get("paraphrase_prompts_probs"), true, false);
            add(acc.get("PM"), m.get("paraphrase_prompts_probs"), true, true);
            add(acc.get("NS"), m.get("neighborhood_prompts_probs"), false, false);
            add(acc.get("NM"), m.get("neighborhood_prompts_probs"), false, true);
            if (m.has("ngram_entropy")) acc.get("GE").add(m.get("ngram_entropy").asDouble());
            if (m.has("reference_score")) acc.get("RS").add(m.get("reference_score").asDouble());
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : acc.entrySet()) {
            double mean = e.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            out.put(e.getKey(), e.getKey().equals("GE") || e.getKey().equals("RS") ? mean : 100 * mean);
        }
        double es = out.get("ES");
        double ps = out.get("PS");
        double ns = out.get("NS");
        out.put("S", hmean(es, ps, ns));
        return out;
    }

    /** Harmonic mean (scipy's hmean: 0 when any value is 0). */
    static double hmean(double... xs) {
        double s = 0;
        int n = 0;
        for (double x : xs) {
            if (Double.isNaN(x)) continue;
            if (x == 0) return 0;
            s += 1 / x;
            n++;
        }
        return n == 0 ? Double.NaN : n / s;
    }

    private static void add(List<Double> to, JsonNode probs, boolean newWins, boolean magnitude) {
        double v = caseScore(probs, newWins, magnitude);
        if (!Double.isNaN(v)) to.add(v);
    }

    /**
     * One case's score over a group of prompts ({@code *_prompts_probs} of a case JSON), as a fraction:
     * the share of prompts where the new object beats the true one ({@code newWins}; otherwise the
     * reverse), or with {@code magnitude} the mean probability difference. NaN when the group is empty.
     */
    public static double caseScore(JsonNode probs, boolean newWins, boolean magnitude) {
        if (probs == null || probs.isEmpty()) return Double.NaN;
        double s = 0;
        int n = 0;
        for (JsonNode x : probs) {
            double nNew = x.get("target_new").asDouble();
            double nTrue = x.get("target_true").asDouble();
            if (Double.isNaN(nTrue)) continue;
            double v = magnitude ? (newWins ? Math.exp(-nNew) - Math.exp(-nTrue) : Math.exp(-nTrue) - Math.exp(-nNew))
                    : ((newWins ? nTrue > nNew : nTrue < nNew) ? 1 : 0);
            s += v;
            n++;
        }
        return n > 0 ? s / n : Double.NaN;
    }
}
