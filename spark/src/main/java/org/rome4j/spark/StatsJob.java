package org.rome4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.rome4j.cli.Json;
import org.rome4j.cli.UsageException;
import org.rome4j.data.Corpus;
import org.rome4j.model.Gpt;
import org.rome4j.rome.KeyStats;
import scala.Tuple2;

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

/**
 * {@code stats} on Spark: the corpus (text, JSON lines or Parquet with a {@code text} column, on any
 * file system Spark reads) is numbered in file order, sampled as the single-machine command samples it
 * ({@link Corpus#sampleIndices}: the original's {@code random.Random(seed)} shuffle, seed 1), and
 * split into partitions of whole batches (as {@link KeyStats#batchStarts} forms them on one machine,
 * so the keys are the same bit for bit); each partition accumulates Σ k kᵀ and its token count per requested layer
 * ({@link KeyStats.Collector}), written to {@code OUT.parts/} (a rerun skips the partitions there);
 * the driver adds the partial sums in float64, in partition order, and writes the original's
 * {@code .npz} layout. With several layers, {@code --out} is a folder of {@code layer_L.npz}.
 * Memory: each partition's partial sum is F×F doubles (GPT-2 XL: 6400² × 8 B = 328 MB).
 */
final class StatsJob implements SparkJob {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final StructType SCHEMA = new StructType()
            .add("layer", DataTypes.IntegerType, false)
            .add("part", DataTypes.IntegerType, false)
            .add("count", DataTypes.LongType, false)
            .add("width", DataTypes.IntegerType, false)
            .add("sum", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    record Spec(ExecutorModels.Key model, int[] layers, String precision, int tokensPerBatch, Set<Integer> done, TestHooks hooks)
            implements Serializable { }

    @Override
    public String name() { return "stats"; }

    @Override
    public String usage() {
        return "stats --model M --layer L[,L2...] --corpus FILE.txt|FILE.jsonl|FILE.parquet... [--samples N [--seed S]] "
                + "[--precision float32|float64] [--tokens-per-batch N] --out F.npz|DIR " + SparkMain.COMMON_USAGE;
    }

    @Override
    public Set<String> valued() { return Set.of("model", "layer", "corpus", "samples", "seed", "precision", "tokens-per-batch", "out"); }

    @Override
    public void check(Args a) {
        Corpus.Format.of(Path.of(a.require("corpus")).getFileName().toString());
        for (String f : a.positional()) Corpus.Format.of(Path.of(f).getFileName().toString());
        a.require("out");
        a.require("layer");
    }

    @Override
    public int run(SparkSession spark, Args a, String[] argv, PrintStream out, PrintStream err) throws Exception {
        List<String> files = new ArrayList<>();
        files.add(a.require("corpus"));
        files.addAll(a.positional());
        List<Corpus.Format> formats = new ArrayList<>();
        for (String f : files) formats.add(Corpus.Format.of(Path.of(f).getFileName().toString()));   // names the accepted formats
        String precision = a.get("precision", "float32");
        if (!precision.equals("float32") && !precision.equals("float64")) {
            throw new UsageException("stats: --precision must be float32 or float64, got " + precision);
        }
        int[] layers;
        try {
            layers = Arrays.stream(a.require("layer").split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new UsageException("stats: --layer takes layer numbers, e.g. 17 or 5,17; got " + a.get("layer", ""));
        }
        Path outFile = Path.of(a.require("out"));
        ExecutorModels.Key key = SparkMain.modelKey(a);
        int tokensPerBatch = a.getInt("tokens-per-batch", -1, 1, Integer.MAX_VALUE);
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        // documents numbered in file order, as the single-machine reader numbers them
        JavaPairRDD<Long, String> numbered = null;
        long offset = 0;
        for (int i = 0; i < files.size(); i++) {
            JavaRDD<String> docs = documents(spark, files.get(i), formats.get(i));
            long off = offset;
            JavaPairRDD<Long, String> idx = docs.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2() + off, t._1()));
            offset += docs.count();
            numbered = numbered == null ? idx : numbered.union(idx);
        }
        long total = offset;
        if (total == 0) throw new IllegalArgumentException("the corpus has no documents: give at least one non-empty text");
        long[] keep = a.has("samples") ? Corpus.sampleIndices(total, a.getLong("samples", 0), a.getLong("seed", 1)) : null;
        int n = keep == null ? (int) Math.min(total, Integer.MAX_VALUE) : keep.length;
        int parts = SparkMain.partitions(a, spark, n);

        Path partsDir = Path.of(outFile + ".parts");
        checkConfig(partsDir, key, files, keep == null ? -1 : n, a.getLong("seed", 1), precision, layers, tokensPerBatch, parts);
        Set<Integer> done = donePartitions(spark, partsDir, layers);
        Spec spec = new Spec(key, layers, precision, tokensPerBatch, done, TestHooks.from(spark));
        if (done.size() < parts) {
            Broadcast<long[]> kept = jsc.broadcast(keep);
            // rank in the sample (= file order among the sampled documents)
            JavaPairRDD<Integer, Tuple2<Long, String>> ranked = numbered.flatMapToPair(t -> {
                long[] k = kept.value();
                int rank = k == null ? (int) (long) t._1() : Arrays.binarySearch(k, t._1());
                return rank < 0 ? List.<Tuple2<Integer, Tuple2<Long, String>>>of().iterator() : List.of(new Tuple2<>(rank, t)).iterator();
            });
            // split between the single-machine collector's batches, so each partition forms the same batches (the same keys)
            int ctx = jsc.parallelize(List.of(0), 1).map(x -> ExecutorModels.get(key).config().nPositions()).collect().get(0);
            int tpb = tokensPerBatch > 0 ? tokensPerBatch : 3 * ctx;
            int[] lengths = new int[n];
            for (Tuple2<Integer, Integer> t : ranked.mapPartitionsToPair(it -> {
                Gpt gpt = ExecutorModels.get(key);
                List<Tuple2<Integer, Integer>> ls = new ArrayList<>();
                it.forEachRemaining(d -> ls.add(new Tuple2<>(d._1(), Math.min(ctx, gpt.tokenizer().ids(d._2()._2()).length))));
                return ls.iterator();
            }).collect()) {
                lengths[t._1()] = t._2();
            }
            int[] partOf = partitionOf(lengths, KeyStats.batchStarts(lengths, tpb), parts);
            LongAccumulator counter = spark.sparkContext().longAccumulator("documents");
            JavaRDD<Row> rows = ranked.partitionBy(new RankPartitioner(partOf, parts)).mapPartitionsWithIndex((p, it) -> {
                if (spec.done().contains(p)) return List.<Row>of().iterator();
                return collect(p, it, spec, counter).iterator();
            }, false);
            int written = 0;
            for (int p : partOf) if (done.contains(p)) written++;
            try (Progress prog = new Progress(name(), "documents", n - written, written, counter, SparkMain.progressSeconds(a), err)) {
                spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.Append).parquet(partsDir.resolve("rows").toString());
            }
        }

        // reduce in float64, in partition order
        Map<String, Object> report = new LinkedHashMap<>();
        List<Map<String, Object>> outs = new ArrayList<>();
        for (int layer : layers) {
            TreeMap<Integer, Row> byPart = new TreeMap<>();
            for (Row r : spark.read().parquet(partsDir.resolve("rows").toString()).where("layer = " + layer).collectAsList()) {
                byPart.putIfAbsent(r.getInt(1), r);
            }
            long count = 0;
            double[] sum = null;
            int width = 0;
            for (Row r : byPart.values()) {
                count += r.getLong(2);
                width = r.getInt(3);
                List<Double> s = r.getList(4);
                if (sum == null) sum = new double[s.size()];
                for (int i = 0; i < sum.length; i++) sum[i] += s.get(i);
            }
            if (sum == null) throw new IllegalArgumentException("the corpus has no tokens: give at least one non-empty document");
            KeyStats stats = new KeyStats(count, width, sum, precision);
            Path file = layers.length == 1 ? outFile : outFile.resolve("layer_" + layer + ".npz");
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            stats.write(file);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", file.toString());
            m.put("layer", layer);
            m.put("tokens", count);
            m.put("width", width);
            outs.add(m);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        report.put("documents", n);
        report.put("partitions", parts);
        report.put("precision", precision);
        report.put("seconds", secs);
        report.put("layers", outs);
        if (a.json()) {
            Json.print(out, report);
        } else {
            for (Map<String, Object> m : outs) {
                out.printf("wrote %s: layer %s, %s tokens, width %s, %s, %d documents in %d partitions (%.1f s)%n", m.get("out"), m.get("layer"),
                        m.get("tokens"), m.get("width"), precision, n, parts, secs);
            }
        }
        return 0;
    }

    /** A file's documents in order: text and JSON lines by core's per-line rule, Parquet by its {@code text} column. */
    static JavaRDD<String> documents(SparkSession spark, String file, Corpus.Format format) {
        if (format == Corpus.Format.PARQUET) {
            return spark.read().parquet(file).select("text").toJavaRDD()
                    .map(r -> r.isNullAt(0) ? null : r.getString(0)).filter(s -> s != null && !s.isBlank());
        }
        return spark.read().textFile(file).toJavaRDD().map(line -> {
            String t = format.text(line, file);
            return t == null ? "" : t;
        }).filter(s -> !s.isEmpty());
    }

    /**
     * The partition of each document (by rank): whole batches, contiguous, balanced by tokens.
     *
     * @param starts the ranks where the collector's batches start
     */
    static int[] partitionOf(int[] lengths, int[] starts, int parts) {
        long total = 0;
        for (int l : lengths) total += l;
        int[] out = new int[lengths.length];
        long before = 0;
        int b = 0;
        int part = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (b < starts.length && starts[b] == i) {
                part = total == 0 ? 0 : (int) Math.min(parts - 1, before * parts / total);
                b++;
            }
            out[i] = part;
            before += lengths[i];
        }
        return out;
    }

    /** Sends a document (keyed by rank) to its precomputed partition. */
    static final class RankPartitioner extends Partitioner {
        private final int[] partOf;
        private final int parts;

        RankPartitioner(int[] partOf, int parts) {
            this.partOf = partOf;
            this.parts = parts;
        }

        @Override
        public int numPartitions() { return parts; }

        @Override
        public int getPartition(Object rank) { return partOf[(Integer) rank]; }

        @Override
        public boolean equals(Object o) { return o instanceof RankPartitioner r && Arrays.equals(r.partOf, partOf); }

        @Override
        public int hashCode() { return Arrays.hashCode(partOf); }
    }

    /** One partition's partial sums, one row per layer. */
    static List<Row> collect(int part, Iterator<Tuple2<Integer, Tuple2<Long, String>>> it, Spec spec, LongAccumulator counter) {
        spec.hooks().check();
        List<Tuple2<Long, String>> docs = new ArrayList<>();
        it.forEachRemaining(t -> docs.add(t._2()));
        List<Row> out = new ArrayList<>();
        if (docs.isEmpty()) return out;
        docs.sort((x, y) -> Long.compare(x._1(), y._1()));      // file order, as the single-machine reader
        Gpt gpt = ExecutorModels.get(spec.model());
        // every layer in one pass: one forward per batch, stopped after the deepest layer
        KeyStats.Collector c = KeyStats.collector(gpt, Arrays.stream(spec.layers()).boxed().toList()).optPrecision(spec.precision());
        if (spec.tokensPerBatch() > 0) c.optTokensPerBatch(spec.tokensPerBatch());
        for (Map.Entry<Integer, KeyStats> e : c.collectLayers(docs.stream().map(Tuple2::_2).iterator()).entrySet()) {
            KeyStats s = e.getValue();
            out.add(RowFactory.create(e.getKey(), part, s.count(), s.width(), Rows.seq(s.sum())));
        }
        counter.add(docs.size());
        return out;
    }

    private static Set<Integer> donePartitions(SparkSession spark, Path partsDir, int[] layers) throws Exception {
        Set<Integer> done = new HashSet<>();
        Path rows = partsDir.resolve("rows");
        if (!Files.isDirectory(rows)) return done;
        try (var s = Files.list(rows)) {
            if (s.noneMatch(p -> p.getFileName().toString().endsWith(".parquet"))) return done;
        }
        Map<Integer, Integer> layersPerPart = new TreeMap<>();
        for (Row r : spark.read().parquet(rows.toString()).select("part", "layer").distinct().collectAsList()) {
            layersPerPart.merge(r.getInt(0), 1, Integer::sum);
        }
        layersPerPart.forEach((p, c) -> { if (c == layers.length) done.add(p); });
        return done;
    }

    private static void checkConfig(Path partsDir, ExecutorModels.Key key, List<String> files, long samples, long seed, String precision,
                                    int[] layers, int tokensPerBatch, int parts) throws Exception {
        Files.createDirectories(partsDir);
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("model", key.model()).put("corpus", String.join(",", files)).put("samples", samples).put("seed", seed)
                .put("precision", precision).put("layers", Arrays.toString(layers)).put("tokens_per_batch", tokensPerBatch)
                .put("partitions", parts);
        Path file = partsDir.resolve("config.json");
        if (Files.isRegularFile(file)) {
            JsonNode old = JSON.readTree(file.toFile());
            // compared as read back from text: a saved number is an int node, the one built here a long node
            if (!old.equals(JSON.readTree(cfg.toString()))) {
                throw new IllegalArgumentException("the partial sums in " + partsDir + " were made with other settings (" + old + ", now "
                        + cfg + "); delete that folder or use another --out");
            }
        } else {
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), cfg);
        }
    }
}
