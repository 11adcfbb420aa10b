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
import org.rome4j.io.Outputs;
import org.rome4j.options.EvalOptions;
import org.rome4j.options.ModelOptions;
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
    /** What every task needs: the model and the command line (each executor sets up its session from it, as the CLI). */
    record Spec(ExecutorModels.Key model, String format, String[] argv, TestHooks hooks) implements Serializable { }

    /** One executor's editing session and evaluator, per model and command line. */
    private record Session(Gpt model, CounterFactEval counterFact, ZsreEval zsre) { }

    private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();

    @Override
    public String name() { return "eval"; }

    /** The format: {@code --format}, or zsre when {@code --dataset zsre} names the original's file. */
    private static String format(Args a) {
        String format = a.group(EvalOptions.class).namesZsre() ? "zsre" : a.value("format");
        if (!format.equals("counterfact") && !format.equals("zsre")) {
            throw new UsageException("eval: --format must be counterfact or zsre, got " + format);
        }
        return format;
    }

    /** The CLI's rule: without --dataset, the model folder's own counterfact.json where it ships one, else known_1000 (null). */
    private static Path dataset(Args a, EvalOptions eval) {
        return eval.datasetFile(a.group(ModelOptions.class).folder());
    }

    @Override
    public boolean check(Args a, PrintStream out, PrintStream err) throws Exception {
        String format = format(a);
        Path dir = a.value("out");
        Outputs.checkResumable(dir, d -> Files.isDirectory(ItemTable.rows(d)), "evaluation results (rows/)");
        EvalOptions eval = a.group(EvalOptions.class);
        eval.limit();
        eval.genTokens();
        reference(a, format);
        if (format.equals("zsre") && dataset(a, eval) == null) {
            throw new UsageException("eval: --format zsre needs --dataset FILE (zsRE JSON) or --dataset zsre");
        }
        a.group(RomeSessionOptions.class).check();
        SparkMain.modelKey(a);
        Path data = dataset(a, eval);
        if (data != null && data.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".parquet")) return false;   // read by Spark
        List<String> records = readRecords(null, data, format);
        if (records.size() > eval.limit()) records = records.subList(0, eval.limit());
        return Completed.answer(dir, Completed.fingerprint(records.stream().map(ItemTable::key).toList(), a.argv()), a.json(), out, err, name());
    }

    @Override
    public int run(SparkSession spark, Args a, String[] argv, PrintStream out, PrintStream err) throws Exception {
        String format = format(a);
        Path dir = a.value("out");
        EvalOptions eval = a.group(EvalOptions.class);
        int limit = eval.limit();
        ExecutorModels.Key key = SparkMain.modelKey(a);
        List<String> records = readRecords(spark, dataset(a, eval), format);
        if (records.size() > limit) records = records.subList(0, limit);
        // the session's files checked on the driver, before any executor loads the model or computes statistics
        a.group(RomeSessionOptions.class).check();
        reference(a, format);

        List<String> keys = records.stream().map(ItemTable::key).toList();
        String fingerprint = Completed.fingerprint(keys, argv);
        Files.createDirectories(dir);
        Completed.clear(dir);
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
            try (Progress p = new Progress(name(), "records", pending.size(), done.size(), counter, a.progressSeconds(), err)) {
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
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("cases", list.size());
        m.put("pre", pre);
        m.put("post", post);
        m.put("out", dir.toString());
        m.put("errors", errors.size());
        if (a.json()) {
            Json.print(out, m);
        } else {
            out.println(table);
        }
        // a finished run is answered from complete.json next time (the same summary)
        if (errors.isEmpty()) Completed.write(dir, fingerprint, m, table + System.lineSeparator());
        return 0;
    }

    /**
     * The records as JSON texts, in file order: CounterFact (a JSON list, JSON lines, Parquet, or the
     * shipped known_1000 benchmark) or zsRE (core's reader, which drops records whose question lacks the subject).
     */
    static List<String> readRecords(SparkSession spark, Path data, String format) throws Exception {
        List<String> out = new ArrayList<>();
        if (format.equals("zsre")) {
            for (ZsreEval.Record r : ZsreEval.read(data)) out.add(JSON.writeValueAsString(r));
            return out;
        }
        JsonNode root;
        String dataset = data == null ? "known_1000" : data.toString();
        String lower = dataset.toLowerCase(java.util.Locale.ROOT);
        if (data == null) {
            try (InputStream in = CounterFactRecord.class.getResourceAsStream(Known1000Benchmark.RESOURCE)) {
                root = JSON.readTree(in);
            }
        } else if (lower.endsWith(".parquet")) {
            ArrayNode arr = JSON.createArrayNode();
            for (String s : spark.read().parquet(dataset).toJSON().collectAsList()) arr.add(JSON.readTree(s));
            root = arr;
        } else {
            if (!Files.isRegularFile(data)) {
                throw new IllegalArgumentException("dataset not found: " + dataset + "; pass a CounterFact-format JSON list, JSON lines or Parquet");
            }
            if (lower.endsWith(".jsonl")) {
                ArrayNode arr = JSON.createArrayNode();
                for (String line : Files.readAllLines(data)) if (!line.isBlank()) arr.add(JSON.readTree(line));
                root = arr;
            } else {
                root = JSON.readTree(data.toFile());
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
            Args a = Args.parse("eval", spec.argv());
            Gpt gpt = ExecutorModels.get(spec.model());
            String model = spec.model().model();
            RomeSessionOptions o = a.group(RomeSessionOptions.class);
            Rome rome = o.session(model, gpt, o.hparams(model, gpt), false);
            CounterFactEval.Builder b = CounterFactEval.builder(rome).generationTokens(a.group(EvalOptions.class).genTokens());
            CounterFactEval.Reference ref = reference(a, spec.format());
            if (ref != null) b.reference(ref);
            s = new Session(gpt, b.build(), new ZsreEval(rome, null, Integer.MAX_VALUE, (d, t, m) -> { }, org.rome4j.progress.CancellationToken.NONE));
            SESSIONS.put(k, s);
            return s;
        }
    }

    /**
     * The consistency metric's inputs: --tfidf-vocab, --idf and --snippets together, else the files download-data put
     * in the data folder (CounterFact only); null when there are none.
     */
    private static CounterFactEval.Reference reference(Args a, String format) throws java.io.IOException {
        Path vocab = a.value("tfidf-vocab");
        Path idf = a.value("idf");
        Path snippets = a.value("snippets");
        boolean any = vocab != null || idf != null || snippets != null;
        if (any && (vocab == null || idf == null || snippets == null)) {
            throw new UsageException("eval: the consistency metric needs --tfidf-vocab, --idf and --snippets together");
        }
        if (!format.equals("counterfact")) return null;
        if (!any) {
            var found = a.group(EvalOptions.class).downloadedReference();
            if (found.isEmpty()) return null;
            return CounterFactEval.Reference.read(found.get().tfidfVocab(), found.get().idf(), found.get().snippets());
        }
        return CounterFactEval.Reference.read(vocab, idf, snippets);
    }
}
