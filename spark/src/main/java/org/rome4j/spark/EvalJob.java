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
import org.rome4j.cli.Json;
import org.rome4j.options.Declared;
import org.rome4j.options.RomeSessionOptions;
import org.rome4j.cli.UsageException;
import org.rome4j.eval.CounterFactEval;
import org.rome4j.eval.CounterFactRecord;
import org.rome4j.eval.Known1000Benchmark;
import org.rome4j.eval.ZsreEval;
import org.rome4j.model.Gpt;
import org.rome4j.rome.Rome;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code eval} on Spark: CounterFact or zsRE records partitioned across executors; each executor
 * edits, measures and undoes per record with the single-machine code ({@link CounterFactEval#evaluate},
 * {@link ZsreEval#evaluate}), one row per case in {@code OUT/rows} (the case JSON); the driver writes
 * the same summary ({@code summary.txt}, and {@code summary.json} for CounterFact) and
 * {@code errors.csv}. An edit changes the executor's model until it is undone, so the records of one
 * JVM run one at a time: give eval executors one core each, or one GPU each.
 */
final class EvalJob implements SparkJob {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final StructType SCHEMA = new StructType()
            .add("idx", DataTypes.IntegerType, false)
            .add("key", DataTypes.StringType, false)        // of the record's JSON
            .add("status", DataTypes.StringType, false)     // ok, error
            .add("case_json", DataTypes.StringType, true)
            .add("error", DataTypes.StringType, true);
    private static final Set<String> VALUED;
    private static final Set<String> FLAGS = new HashSet<>(Declared.names(new RomeSessionOptions(), true));

    static {
        Set<String> v = new HashSet<>(Set.of("model", "dataset", "format", "limit", "out", "gen-tokens", "tfidf-vocab", "idf", "snippets"));
        v.addAll(Declared.names(new RomeSessionOptions(), false));
        VALUED = v;
    }

    /** What every task needs: the model and the command line (each executor sets up its session from it, as the CLI). */
    record Spec(ExecutorModels.Key model, String format, String[] argv, TestHooks hooks) implements Serializable { }

    /** One executor's editing session and evaluator, per model and command line. */
    private record Session(Gpt model, CounterFactEval counterFact, ZsreEval zsre) { }

    private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();

    @Override
    public String name() { return "eval"; }

    @Override
    public String usage() {
        return "eval --model M --dataset FILE|known_1000 [--format counterfact|zsre] [--limit N] --out DIR [--hparams F.json] [--stats F.npz] "
                + "[--templates F.json] [--gen-tokens N] [--tfidf-vocab F --idf F --snippets F] " + SparkMain.COMMON_USAGE;
    }

    @Override
    public Set<String> valued() { return VALUED; }

    @Override
    public Set<String> flags() { return FLAGS; }

    @Override
    public int run(SparkSession spark, Args a, String[] argv, PrintStream out, PrintStream err) throws Exception {
        String dataset = a.require("dataset");
        String format = a.get("format", "counterfact");
        if (!format.equals("counterfact") && !format.equals("zsre")) {
            throw new UsageException("eval: --format must be counterfact or zsre, got " + format);
        }
        Path dir = Path.of(a.require("out"));
        int limit = a.getInt("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        ExecutorModels.Key key = SparkMain.modelKey(a);
        List<String> records = readRecords(spark, dataset, format);
        if (records.size() > limit) records = records.subList(0, limit);
        // the session's files checked on the driver, before any executor loads the model or computes statistics
        Declared.from(new RomeSessionOptions(), a::has, n -> a.get(n, null)).check();
        if (a.has("tfidf-vocab") || a.has("idf") || a.has("snippets")) reference(a);

        List<String> keys = records.stream().map(ItemTable::key).toList();
        Set<Integer> done = ItemTable.done(spark, dir, keys);
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) if (!done.contains(i)) pending.add(i);
        // only the per-record options travel: the Spark ones stay on the driver
        Spec spec = new Spec(key, format, argv, TestHooks.from(spark));
        List<String> recs = records;
        if (!pending.isEmpty()) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            LongAccumulator counter = spark.sparkContext().longAccumulator("records");
            List<String[]> items = pending.stream().map(i -> new String[] {Integer.toString(i), recs.get(i)}).toList();
            try (Progress p = new Progress(name(), "records", pending.size(), done.size(), counter, SparkMain.progressSeconds(a), err)) {
                JavaRDD<Row> rows = jsc.parallelize(items, SparkMain.partitions(a, spark, items.size()))
                        .mapPartitions(it -> evalPartition(it, spec, counter).iterator());
                ItemTable.append(spark.createDataFrame(rows, SCHEMA), dir);
            }
        }

        // the summary over every case written, in input order
        Map<Integer, ObjectNode> cases = new TreeMap<>();
        Map<Integer, String> errors = new TreeMap<>();
        Dataset<Row> rows = ItemTable.read(spark, dir);
        for (Row r : rows == null ? List.<Row>of() : rows.select("idx", "status", "case_json", "error", "key").collectAsList()) {
            int idx = r.getInt(0);
            if (!ItemTable.current(idx, r.getString(4), keys)) continue;
            if (r.getString(1).equals("ok")) cases.put(idx, (ObjectNode) JSON.readTree(r.getString(2)));
            else errors.put(idx, r.getString(3));
        }
        StringBuilder csv = new StringBuilder("idx,error\n");
        errors.keySet().removeAll(cases.keySet());
        errors.forEach((i, e) -> csv.append(i).append(',').append(Csv.quote(e)).append('\n'));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("errors.csv"), csv);
        if (!errors.isEmpty()) err.println("[eval] " + errors.size() + " records failed; see " + dir.resolve("errors.csv"));
        List<ObjectNode> list = new ArrayList<>(cases.values());
        Map<String, Double> pre;
        Map<String, Double> post;
        String table;
        if (format.equals("zsre")) {
            ZsreEval.Result r = ZsreEval.result(list);
            r.writeTo(dir);
            pre = r.pre();
            post = r.post();
            table = r.table().print();
        } else {
            CounterFactEval.Result r = CounterFactEval.result(list);
            r.writeTo(dir);
            pre = r.pre();
            post = r.post();
            table = r.table().print();
        }
        if (a.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", format);
            m.put("cases", list.size());
            m.put("pre", pre);
            m.put("post", post);
            m.put("out", dir.toString());
            m.put("errors", errors.size());
            Json.print(out, m);
        } else {
            out.println(table);
        }
        return 0;
    }

    /**
     * The records as JSON texts, in file order: CounterFact (a JSON list, JSON lines, Parquet, or the
     * shipped known_1000 benchmark) or zsRE (core's reader, which drops records whose question lacks the subject).
     */
    static List<String> readRecords(SparkSession spark, String dataset, String format) throws Exception {
        List<String> out = new ArrayList<>();
        if (format.equals("zsre")) {
            for (ZsreEval.Record r : ZsreEval.read(Path.of(dataset))) out.add(JSON.writeValueAsString(r));
            return out;
        }
        JsonNode root;
        String lower = dataset.toLowerCase(java.util.Locale.ROOT);
        if (dataset.equals("known_1000")) {
            try (InputStream in = CounterFactRecord.class.getResourceAsStream(Known1000Benchmark.RESOURCE)) {
                root = JSON.readTree(in);
            }
        } else if (lower.endsWith(".parquet")) {
            ArrayNode arr = JSON.createArrayNode();
            for (String s : spark.read().parquet(dataset).toJSON().collectAsList()) arr.add(JSON.readTree(s));
            root = arr;
        } else {
            if (!Files.isRegularFile(Path.of(dataset))) {
                throw new IllegalArgumentException("dataset not found: " + dataset + "; pass a CounterFact-format JSON list, JSON lines or Parquet");
            }
            if (lower.endsWith(".jsonl")) {
                ArrayNode arr = JSON.createArrayNode();
                for (String line : Files.readAllLines(Path.of(dataset))) if (!line.isBlank()) arr.add(JSON.readTree(line));
                root = arr;
            } else {
                root = JSON.readTree(Path.of(dataset).toFile());
            }
        }
        if (!root.isArray()) throw new IllegalArgumentException(dataset + " is not a JSON list of CounterFact records");
        for (JsonNode n : root) out.add(n.toString());
        return out;
    }

    /** One partition: per record, edit, measure and undo on this JVM's session (one record at a time per JVM). */
    static List<Row> evalPartition(Iterator<String[]> it, Spec spec, LongAccumulator counter) throws Exception {
        spec.hooks().check();
        List<Row> out = new ArrayList<>();
        if (!it.hasNext()) return out;
        Session s = session(spec);
        while (it.hasNext()) {
            String[] item = it.next();
            int idx = Integer.parseInt(item[0]);
            try {
                ObjectNode c;
                synchronized (s.model()) {       // an edit changes this JVM's model until it is undone
                    if (spec.format().equals("zsre")) {
                        c = s.zsre().evaluate(JSON.readValue(item[1], ZsreEval.Record.class));
                    } else {
                        ArrayNode one = JSON.createArrayNode().add(JSON.readTree(item[1]));
                        c = s.counterFact().evaluate(CounterFactRecord.parse(one, "record " + idx).get(0));
                    }
                }
                out.add(RowFactory.create(idx, ItemTable.key(item[1]), "ok", JSON.writeValueAsString(c), null));
            } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
                out.add(RowFactory.create(idx, ItemTable.key(item[1]), "error", null, e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
            counter.add(1);
        }
        return out;
    }

    private static Session session(Spec spec) throws Exception {
        String k = spec.model() + "\u0000" + String.join("\u0000", spec.argv());
        Session s = SESSIONS.get(k);
        if (s != null) return s;
        synchronized (SESSIONS) {
            s = SESSIONS.get(k);
            if (s != null) return s;
            Args a = Args.parse("eval", spec.argv(), allValued(), allFlags());
            Gpt gpt = ExecutorModels.get(spec.model());
            String model = spec.model().model();
            RomeSessionOptions o = Declared.from(new RomeSessionOptions(), a::has, n -> a.get(n, null));
            Rome rome = o.session(model, gpt, o.hparams(model, gpt), false);
            CounterFactEval.Builder b = CounterFactEval.builder(rome).generationTokens(a.getInt("gen-tokens", 100, 0, 10000));
            if (a.has("tfidf-vocab") || a.has("idf") || a.has("snippets")) {
                b.reference(reference(a));
            }
            s = new Session(gpt, b.build(), new ZsreEval(rome, null, Integer.MAX_VALUE, (d, t, m) -> { }, org.rome4j.progress.CancellationToken.NONE));
            SESSIONS.put(k, s);
            return s;
        }
    }

    /** The consistency metric's inputs named by --tfidf-vocab, --idf and --snippets (all three required together). */
    private static CounterFactEval.Reference reference(Args a) throws java.io.IOException {
        return CounterFactEval.Reference.read(Path.of(a.require("tfidf-vocab")), Path.of(a.require("idf")), Path.of(a.require("snippets")));
    }

    private static Set<String> allValued() {
        Set<String> v = new HashSet<>(VALUED);
        v.addAll(SparkMain.COMMON_VALUED);
        return v;
    }

    private static Set<String> allFlags() {
        Set<String> f = new HashSet<>(FLAGS);
        f.addAll(Arrays.asList("json", "quiet"));
        return f;
    }
}
