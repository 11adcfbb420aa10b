package org.rome4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.rome4j.io.Outputs;
import org.rome4j.model.Models;
import org.rome4j.options.CorruptionOptions;
import org.rome4j.options.LimitOption;
import org.rome4j.cli.Json;
import org.rome4j.cli.UsageException;
import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.eval.FactRecall;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;
import org.rome4j.trace.DatasetResult;
import org.rome4j.trace.DatasetTrace;
import org.rome4j.trace.EmbeddingStd;
import org.rome4j.trace.Kind;
import org.rome4j.trace.Noise;
import org.rome4j.trace.TraceResult;

import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code trace-dataset} on Spark (paper Fig. 2): facts are partitioned across executors; each is
 * checked (does the model know it?) and traced for resid, MLP and attention exactly as
 * {@code ./rome4j trace-dataset} does ({@link DatasetTrace#traceFact}, the same per-fact noise), one
 * row per fact and kind in {@code OUT/rows}; the driver then writes the same {@code aggregate.json},
 * {@code averages.csv}, {@code summary.csv}, {@code wrong.csv} and figures, plus {@code errors.csv}
 * for facts that could not be traced.
 */
final class TraceDatasetJob implements SparkJob {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final StructType SCHEMA = new StructType()
            .add("idx", DataTypes.IntegerType, false)
            .add("known_id", DataTypes.IntegerType, false)
            .add("key", DataTypes.StringType, false)             // of the fact's subject, prompt and attribute
            .add("status", DataTypes.StringType, false)          // traced, wrong, error
            .add("kind", DataTypes.StringType, true)
            .add("prompt", DataTypes.StringType, true)
            .add("subject", DataTypes.StringType, true)
            .add("answer", DataTypes.StringType, true)
            .add("low_score", DataTypes.DoubleType, true)
            .add("high_score", DataTypes.DoubleType, true)
            .add("subject_start", DataTypes.IntegerType, true)
            .add("subject_end", DataTypes.IntegerType, true)
            .add("scores", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)), true)   // [token][layer]
            .add("trace_json", DataTypes.StringType, true)
            .add("expected_id", DataTypes.LongType, true)
            .add("predicted_id", DataTypes.LongType, true)
            .add("predicted", DataTypes.StringType, true)
            .add("probability", DataTypes.DoubleType, true)
            .add("error", DataTypes.StringType, true);

    /** A fact as shipped to executors. */
    record FactItem(int idx, int knownId, String subject, String attribute, String template, String prediction, String prompt,
                    String relationId) implements Serializable {
        static FactItem of(int idx, KnownFact f) {
            return new FactItem(idx, f.id(), f.subject(), f.attribute(), f.template(), f.prediction(), f.prompt(), f.relationId());
        }

        String key() {
            return key(fact());
        }

        static String key(KnownFact f) {
            return ItemTable.key(f.subject() + "\u0000" + f.prompt() + "\u0000" + f.attribute());
        }

        KnownFact fact() {
            return new KnownFact(knownId, subject, attribute, template, prediction, prompt, relationId);
        }
    }

    /** What every task needs. */
    record Spec(ExecutorModels.Key model, int window, int samples, String noise, double embeddingStd, TestHooks hooks)
            implements Serializable { }

    @Override
    public String name() { return "trace-dataset"; }

    @Override
    public boolean check(Args a, PrintStream out, PrintStream err) throws Exception {
        Path dir = a.value("out");
        // the CLI's rule: an existing folder is reused only to resume its own run
        Outputs.checkResumable(dir, d -> Files.isRegularFile(d.resolve("config.json")) || Files.isDirectory(ItemTable.rows(d)),
                "trace-dataset results (config.json, rows/)");
        int limit = a.group(LimitOption.class).limit(-1);
        CorruptionOptions c = a.group(CorruptionOptions.class);
        c.fixedWindow();
        c.samples();
        c.noise();
        ExecutorModels.Key key = SparkMain.modelKey(a);
        Path f = a.value("facts");
        if (f != null && !f.toString().contains("://") && !Files.exists(f)) {
            throw new IllegalArgumentException("facts file not found: " + f + "; pass a known_1000.json-format file (JSON, JSON lines or Parquet)");
        }
        List<KnownFact> all = f != null && isParquet(f) ? null : readFacts(null, f, key);
        if (all == null) return false;
        List<KnownFact> facts = limit >= 0 && limit < all.size() ? all.subList(0, limit) : all;
        return Completed.answer(dir, Completed.fingerprint(facts.stream().map(FactItem::key).toList(), a.argv()), a.json(), out, err, name());
    }

    private static boolean isParquet(Path f) {
        return f.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".parquet");
    }

    @Override
    public int run(SparkSession spark, Args a, String[] argv, PrintStream out, PrintStream err) throws Exception {
        Path dir = a.value("out");
        int limit = a.group(LimitOption.class).limit(-1);
        CorruptionOptions c = a.group(CorruptionOptions.class);
        Integer fixedWindow = c.fixedWindow();
        int samples = c.samples();
        String noiseSpec = c.noiseWord();
        Noise noise = c.noise();
        ExecutorModels.Key key = SparkMain.modelKey(a);
        List<KnownFact> all = readFacts(spark, a.value("facts"), key);
        List<KnownFact> facts = limit >= 0 && limit < all.size() ? all.subList(0, limit) : all;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        long t0 = System.nanoTime();

        // the noise level: the subjects of the whole file (before any limit), as the single-machine command; one task
        ArrayList<String> subjects = new ArrayList<>(all.stream().map(KnownFact::subject).toList());
        List<String> nameAndStd = jsc.parallelize(List.of(0), 1).map(x -> {
            Gpt g = ExecutorModels.get(key);
            return g.name() + "\t" + EmbeddingStd.of(g, subjects) + "\t" + g.nLayer();
        }).collect();
        String[] model = nameAndStd.get(0).split("\t");
        String modelName = model[0];
        double std = Double.parseDouble(model[1]);
        int window = fixedWindow != null ? fixedWindow : Kind.scaledWindow(Integer.parseInt(model[2]));
        double scale = noise.scaleFor(std);
        checkConfig(dir, modelName, window, samples, noise.describe(), scale);

        List<String> keys = facts.stream().map(FactItem::key).toList();
        String fingerprint = Completed.fingerprint(keys, argv);
        Completed.clear(dir);
        Set<Integer> done = ItemTable.done(spark, dir, keys);
        List<FactItem> pending = new ArrayList<>();
        for (int i = 0; i < facts.size(); i++) if (!done.contains(i)) pending.add(FactItem.of(i, facts.get(i)));
        Spec spec = new Spec(key, window, samples, noiseSpec, std, TestHooks.from(spark));
        if (!pending.isEmpty()) {
            LongAccumulator counter = spark.sparkContext().longAccumulator("facts");
            int parts = SparkMain.partitions(a, spark, pending.size());
            try (Progress p = new Progress(name(), "facts", pending.size(), done.size(), counter, a.progressSeconds(), err)) {
                JavaRDD<Row> rows = jsc.parallelize(pending, parts).mapPartitions(it -> tracePartition(it, spec, counter).iterator());
                ItemTable.append(spark.createDataFrame(rows, SCHEMA), dir);
            }
        } else {
            err.println("[" + name() + "] all " + facts.size() + " facts already written in " + ItemTable.rows(dir));
        }

        long[] failed = new long[1];
        DatasetResult r = aggregate(spark, dir, facts, modelName, window, samples, err, noise.describe(), scale, failed);
        r.writeTo(dir);
        String text = r.report((System.nanoTime() - t0) / 1e9) + "tables and figures in " + dir + ", per-fact rows in " + ItemTable.rows(dir)
                + System.lineSeparator();
        if (a.json()) {
            Json.print(out, r.toMap());
        } else {
            out.print(text);
        }
        if (failed[0] == 0) Completed.write(dir, fingerprint, r.toMap(), text);
        return 0;
    }

    /**
     * The facts: a known_1000 JSON list, JSON lines, or Parquet with the same fields (parsed by core's one reader); without
     * --facts, as the CLI: the model folder's own facts.json, else the bundled known_1000.
     */
    static List<KnownFact> readFacts(SparkSession spark, Path file, ExecutorModels.Key key) throws Exception {
        if (file == null) {
            Path own = Models.resolve(key.model()).resolve("facts.json");
            return Files.isRegularFile(own) ? KnownFacts.read(own) : KnownFacts.bundled();
        }
        if (isParquet(file)) {
            ArrayNode arr = JSON.createArrayNode();
            for (String s : spark.read().parquet(file.toString()).toJSON().collectAsList()) arr.add(JSON.readTree(s));
            return KnownFacts.parse(arr, file.toString());
        }
        if (file.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jsonl")) {
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException("facts file not found: " + file);
            ArrayNode arr = JSON.createArrayNode();
            for (String line : Files.readAllLines(file)) if (!line.isBlank()) arr.add(JSON.readTree(line));
            return KnownFacts.parse(arr, file.toString());
        }
        return KnownFacts.read(file);
    }

    /** One partition: the recall check for its facts in one batch, then three traces per known fact. */
    static List<Row> tracePartition(Iterator<FactItem> it, Spec spec, LongAccumulator counter) {
        spec.hooks().check();
        List<FactItem> items = new ArrayList<>();
        it.forEachRemaining(items::add);
        List<Row> out = new ArrayList<>();
        if (items.isEmpty()) return out;
        Gpt gpt = ExecutorModels.get(spec.model());
        Noise noise = Noise.parse(spec.noise());
        Map<Integer, Object> checks = recall(gpt, items);
        for (FactItem item : items) {
            KnownFact f = item.fact();
            try {
                Object c = checks.get(item.idx());
                if (c instanceof RuntimeException e) throw e;
                FactRecall.Check check = (FactRecall.Check) c;
                if (!check.correct()) {
                    out.add(RowFactory.create(item.idx(), item.knownId(), item.key(), "wrong", null, f.prompt(), f.subject(), null, null, null, null, null,
                            null, null, check.expectedId(), check.predictedId(), check.predicted(), (double) check.probability(), null));
                } else {
                    List<TraceResult> rs = DatasetTrace.traceFact(gpt, f, spec.window(), spec.samples(), noise, spec.embeddingStd(),
                            CancellationToken.NONE);
                    for (TraceResult r : rs) out.add(traced(item, check, r));
                }
            } catch (RuntimeException e) {
                out.add(RowFactory.create(item.idx(), item.knownId(), item.key(), "error", null, f.prompt(), f.subject(), null, null, null, null, null,
                        null, null, null, null, null, null, e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
            counter.add(1);
        }
        return out;
    }

    /** Per fact: its check, or the exception that made it fail (a batch that fails is checked fact by fact). */
    private static Map<Integer, Object> recall(Gpt gpt, List<FactItem> items) {
        Map<Integer, Object> out = new HashMap<>();
        try {
            List<FactRecall.Check> cs = FactRecall.check(gpt, items.stream().map(FactItem::fact).toList(), 64).checks();
            for (int i = 0; i < items.size(); i++) out.put(items.get(i).idx(), cs.get(i));
        } catch (RuntimeException batch) {
            for (FactItem item : items) {
                try {
                    out.put(item.idx(), FactRecall.check(gpt, List.of(item.fact()), 1).checks().get(0));
                } catch (RuntimeException e) {
                    out.put(item.idx(), e);
                }
            }
        }
        return out;
    }

    private static Row traced(FactItem item, FactRecall.Check check, TraceResult r) {
        double[][] s = r.scores();
        List<Object> scores = new ArrayList<>();
        for (double[] row : s) scores.add(Rows.seq(row));
        int[] sr = r.subjectRange();
        return RowFactory.create(item.idx(), item.knownId(), item.key(), "traced", r.kind().id(), r.prompt(), r.subject(), r.answer(), r.lowScore(),
                r.highScore(), sr[0], sr[1], Rows.seq(scores), r.toJson(), check.expectedId(), check.predictedId(), check.predicted(), (double) check.probability(), null);
    }

    /** Reads every row back and averages as the single-machine command does (facts in file order). */
    static DatasetResult aggregate(SparkSession spark, Path dir, List<KnownFact> facts, String model, int window, int samples, PrintStream err,
                                   String noise, double scale, long[] failed) throws Exception {
        Dataset<Row> rows = ItemTable.read(spark, dir);
        List<Row> all = rows == null ? List.of()
                : rows.select("idx", "status", "kind", "trace_json", "expected_id", "predicted_id", "predicted", "probability", "error",
                "key").collectAsList();
        List<String> keys = facts.stream().map(FactItem::key).toList();
        Map<Kind, Map<Integer, TraceResult>> traced = new EnumMap<>(Kind.class);
        for (Kind k : DatasetTrace.KINDS) traced.put(k, new HashMap<>());
        Map<Integer, FactRecall.Check> wrong = new HashMap<>();
        Map<Integer, String> errors = new HashMap<>();
        Set<Integer> ok = new HashSet<>();
        for (Row r : all) {
            int idx = r.getInt(0);
            if (!ItemTable.current(idx, r.getString(9), keys)) continue;      // a larger --limit's, or a changed fact's
            switch (r.getString(1)) {
                case "traced" -> {
                    traced.get(Kind.parse(r.getString(2))).put(idx, TraceResult.fromJson(r.getString(3)));
                    ok.add(idx);
                }
                case "wrong" -> {
                    wrong.put(idx, new FactRecall.Check(facts.get(idx), r.getLong(4), r.getLong(5), r.getString(6), (float) r.getDouble(7)));
                    ok.add(idx);
                }
                default -> errors.put(idx, r.getString(8));
            }
        }
        Map<Kind, List<TraceResult>> results = new EnumMap<>(Kind.class);
        for (Kind k : DatasetTrace.KINDS) {
            results.put(k, traced.get(k).entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList());
        }
        List<FactRecall.Check> wrongList = wrong.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
        StringBuilder csv = new StringBuilder("idx,known_id,prompt,error\n");
        errors.keySet().stream().filter(i -> !ok.contains(i)).sorted(Comparator.naturalOrder()).forEach(i ->
                csv.append(i).append(',').append(facts.get(i).id()).append(',').append(Csv.quote(facts.get(i).prompt())).append(',')
                        .append(Csv.quote(errors.get(i))).append('\n'));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("errors.csv"), csv);
        long nErr = errors.keySet().stream().filter(i -> !ok.contains(i)).count();
        failed[0] = nErr;
        if (nErr > 0) err.println("[trace-dataset] " + nErr + " facts failed; see " + dir.resolve("errors.csv") + " (a rerun retries them)");
        return DatasetResult.of(model, facts.size(), wrongList, results, window, samples, noise, scale);
    }

    /** The settings of a folder's rows: a rerun with other settings must not mix into them. */
    private static void checkConfig(Path dir, String model, int window, int samples, String noise, double scale) throws Exception {
        ObjectNode cfg = Settings.object();
        cfg.put("model", model).put("window", window).put("samples", samples).put("noise", noise).put("noise_scale", scale);
        Settings.check(dir.resolve("config.json"), cfg, "the rows");
    }
}
