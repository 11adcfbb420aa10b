package org.rome4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.rome4j.cli.Json;
import org.rome4j.cli.UsageException;
import org.rome4j.data.Corpus;
import org.rome4j.io.Outputs;
import org.rome4j.model.Gpt;
import org.rome4j.options.Declared;
import org.rome4j.options.StatsDirOption;
import org.rome4j.rome.KeyStats;
import scala.Tuple2;

import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code stats} on Spark, with {@code ./rome4j stats}'s options and file rules: the corpus files (text, JSON lines or
 * Parquet with a {@code text} column, on any file system Spark reads) are numbered in file order, sampled as the
 * single-machine command samples them ({@link Corpus#sampleIndices}: the original's {@code random.Random(seed)} shuffle,
 * seed 1), and split into partitions of whole batches (as {@link KeyStats#batchStarts} forms them on one machine, so the
 * keys are the same bit for bit); each partition accumulates Σ k kᵀ and its token count per requested layer
 * ({@link KeyStats.Collector}) and writes them as {@link PartialSums} beside the output ({@code .parts/}: a rerun skips
 * the partitions there); the driver adds them in float64, in partition order, writes the original's {@code .npz} layout
 * ({@code --out}, or the cache layout under {@code --stats-dir} that {@code edit} reads), and removes {@code .parts/}.
 */
final class StatsJob implements SparkJob {
    record Spec(ExecutorModels.Key model, int[] layers, String precision, Integer tokensPerBatch, Set<Integer> done, TestHooks hooks)
            implements Serializable { }

    /** What the driver needs to know of the model before it plans: context, layers, the module names of the cache layout. */
    record ModelFacts(String name, int ctx, int nLayer, String rewriteModule) implements Serializable { }

    @Override
    public String name() { return "stats"; }

    @Override
    public boolean check(Args a, PrintStream out, PrintStream err) throws Exception {
        String precision = a.value("precision");
        if (!precision.equals("float32") && !precision.equals("float64")) {
            throw new UsageException("stats: --precision must be float32 or float64, got " + precision);
        }
        Long samples = a.value("samples");
        if (samples != null && samples < 1) throw new UsageException("stats: --samples must be >= 1, got " + samples);
        Declared.range("--checkpoint-every", a.<Integer>value("checkpoint-every"), 0, Integer.MAX_VALUE);
        List<Integer> layers = a.value("layer");
        if (a.value("out") != null && layers.stream().distinct().count() > 1) {
            throw new UsageException("stats: --out is one layer's file; several --layers go to the cache layout under --stats-dir");
        }
        for (Path f : a.<List<Path>>value("corpus")) {
            Corpus.Format.of(f.getFileName().toString());          // names the accepted formats
            if (f.toString().contains("://")) continue;             // HDFS, S3: Spark reads it
            if (!Files.exists(f)) throw new UsageException("stats: corpus file not found: " + f + "; " + KeyStats.CORPUS_FORMATS);
            if (Files.isRegularFile(f) && Files.size(f) == 0) {
                throw new UsageException("stats: corpus file " + f + " is empty; " + KeyStats.CORPUS_FORMATS);
            }
        }
        Path o = a.value("out");
        if (o != null) Outputs.checkFile(o, a.has("overwrite"), "--overwrite");
        a.group(StatsDirOption.class).check();
        SparkMain.modelKey(a);
        return false;
    }

    @Override
    public int run(SparkSession spark, Args a, String[] argv, PrintStream out, PrintStream err) throws Exception {
        List<Path> files = a.value("corpus");
        String precision = a.value("precision");
        boolean overwrite = a.has("overwrite");
        ExecutorModels.Key key = SparkMain.modelKey(a);
        Integer tokensPerBatch = a.value("tokens-per-batch");
        if (tokensPerBatch != null) Declared.range("--tokens-per-batch", tokensPerBatch, 1, Integer.MAX_VALUE);
        int checkpointEvery = a.value("checkpoint-every");
        long seed = a.value("seed");
        Long samples = a.value("samples");
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        // the model's shape, from one executor (the driver never loads it)
        ModelFacts model = jsc.parallelize(List.of(0), 1).map(x -> {
            Gpt g = ExecutorModels.get(key);
            return new ModelFacts(g.name(), g.config().nPositions(), g.nLayer(),
                    g.architecture().moduleTemplates(g.config()).get("rewrite_module_tmp"));
        }).collect().get(0);
        int[] layers = a.<List<Integer>>value("layer").stream().distinct().sorted().mapToInt(Integer::intValue).toArray();
        for (int l : layers) {
            if (l < 0 || l >= model.nLayer()) {
                throw new IllegalArgumentException("layer " + l + " is out of range: " + model.name() + " has layers 0–" + (model.nLayer() - 1));
            }
        }
        Map<Integer, Path> outFiles = new LinkedHashMap<>();
        Path given = a.value("out");
        for (int l : layers) {
            Path f = given != null ? given : KeyStats.cachePath(a.group(StatsDirOption.class).dir(), a.<String>value("model"),
                    a.value("dataset"), model.rewriteModule().replace("{}", Integer.toString(l)), precision, samples == null ? 0 : samples);
            Outputs.checkFile(f, overwrite, "--overwrite");
            outFiles.put(l, f);
        }
        Path first = outFiles.values().iterator().next();
        Path partsDir = first.resolveSibling(first.getFileName() + ".parts");
        Path rowsDir = partsDir.resolve("rows");

        // documents numbered in file order, as the single-machine reader numbers them
        JavaPairRDD<Long, String> numbered = null;
        long offset = 0;
        for (Path file : files) {
            JavaRDD<String> docs = documents(spark, file.toString(), Corpus.Format.of(file.getFileName().toString()));
            long off = offset;
            JavaPairRDD<Long, String> idx = docs.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2() + off, t._1()));
            offset += docs.count();
            numbered = numbered == null ? idx : numbered.union(idx);
        }
        long total = offset;
        if (total == 0) throw new IllegalArgumentException("the corpus has no documents: give at least one non-empty text");
        long[] keep = samples != null ? Corpus.sampleIndices(total, samples, seed) : null;
        int n = keep == null ? (int) Math.min(total, Integer.MAX_VALUE) : keep.length;

        ObjectNode cfg = Settings.object();
        cfg.put("model", key.model()).put("corpus", String.join(",", files.stream().map(Path::toString).toList())).put("samples", keep == null ? -1 : n)
                .put("seed", seed).put("precision", precision).put("layers", Arrays.toString(layers))
                .put("tokens_per_batch", tokensPerBatch == null ? -1 : tokensPerBatch);
        // the partitioning is part of the settings: a resumed run keeps its first run's, whatever the cluster has now
        JsonNode saved = Settings.read(partsDir.resolve("config.json"));
        int parts;
        if (a.partitions() != null) {
            parts = Math.min(a.partitions(), n);
        } else if (saved != null && saved.has("partitions") && Settings.normalized(cfg).equals(((ObjectNode) saved.deepCopy()).without("partitions"))) {
            parts = saved.get("partitions").asInt();
        } else {
            parts = SparkMain.partitions(a, spark, n);
            // --checkpoint-every: a partition is the unit a rerun resumes from, so none holds more documents than that
            if (checkpointEvery > 0) parts = Math.min(n, Math.max(parts, (int) ((n + (long) checkpointEvery - 1) / checkpointEvery)));
        }
        cfg.put("partitions", parts);
        Settings.check(partsDir.resolve("config.json"), cfg, "the partial sums");

        Map<Integer, TreeMap<Integer, PartialSums.Header>> headers = PartialSums.headers(spark, rowsDir);
        Set<Integer> done = donePartitions(headers, layers);
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
            int ctx = model.ctx();
            int tpb = tokensPerBatch != null ? tokensPerBatch : 3 * ctx;
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
            int written = 0;
            for (int p : partOf) if (done.contains(p)) written++;
            LongAccumulator counter = spark.sparkContext().longAccumulator("documents");
            JavaRDD<Row> rows = ranked.partitionBy(new RankPartitioner(partOf, parts)).mapPartitionsWithIndex((p, it) -> {
                if (spec.done().contains(p)) return java.util.Collections.emptyIterator();
                return collect(p, it, spec, counter);
            }, false);
            try (Progress prog = new Progress(name(), "documents", n - written, written, counter, a.progressSeconds(), err)) {
                PartialSums.append(spark.createDataFrame(rows, PartialSums.SCHEMA), rowsDir);
            }
            headers = PartialSums.headers(spark, rowsDir);
        }

        // reduce in float64, in partition order, a chunk at a time
        List<Map<String, Object>> outs = new ArrayList<>();
        long tokens = 0;
        int width = 0;
        for (int layer : layers) {
            TreeMap<Integer, PartialSums.Header> byPart = headers.getOrDefault(layer, new TreeMap<>());
            if (byPart.size() < parts) {
                throw new IllegalStateException("only " + byPart.size() + " of " + parts + " partitions were written; run again to finish");
            }
            double[] sum = PartialSums.reduce(spark, rowsDir, layer, byPart);
            long count = byPart.values().stream().mapToLong(PartialSums.Header::count).sum();
            if (sum == null || count == 0) throw new IllegalArgumentException("the corpus has no tokens: give at least one non-empty document");
            width = byPart.values().stream().mapToInt(PartialSums.Header::width).max().orElse(0);
            KeyStats stats = new KeyStats(count, width, sum, precision);
            sum = null;
            Path file = outFiles.get(layer);
            Outputs.file(file, overwrite, "--overwrite", stats::write);
            tokens = count;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", file.toString());
            m.put("layer", layer);
            outs.add(m);
        }
        deleteTree(partsDir);           // the output is complete: the partial sums are not needed again
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> report = new LinkedHashMap<>();
        if (layers.length == 1) {
            report.put("out", first.toString());
            report.put("layer", layers[0]);
        } else {
            Map<String, String> byLayer = new LinkedHashMap<>();
            outFiles.forEach((l, f) -> byLayer.put(Integer.toString(l), f.toString()));
            report.put("files", byLayer);
            report.put("layers", Arrays.stream(layers).boxed().toList());
        }
        report.put("tokens", tokens);
        report.put("width", width);
        report.put("precision", precision);
        report.put("seconds", secs);
        report.put("tokens_per_second", tokens / secs);
        report.put("documents", n);
        report.put("partitions", parts);
        if (a.json()) {
            Json.print(out, report);
        } else {
            for (int l : layers) {
                out.printf(java.util.Locale.ROOT, "wrote %s: layer %d, %d tokens, width %d, %s, %d documents in %d partitions (%.1f s)%n",
                        outFiles.get(l), l, tokens, width, precision, n, parts, secs);
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

    /** One partition's partial sums, as rows (a partition without documents writes its headers: it is done too). */
    static Iterator<Row> collect(int part, Iterator<Tuple2<Integer, Tuple2<Long, String>>> it, Spec spec, LongAccumulator counter) {
        spec.hooks().check();
        List<Tuple2<Long, String>> docs = new ArrayList<>();
        it.forEachRemaining(t -> docs.add(t._2()));
        long attempt = TaskContext.get() == null ? 0 : TaskContext.get().taskAttemptId();
        List<PartialSums.Sum> sums = new ArrayList<>();
        if (docs.isEmpty()) {
            for (int l : spec.layers()) sums.add(new PartialSums.Sum(l, 0, 0, null));
            return PartialSums.rows(part, attempt, sums);
        }
        docs.sort(Comparator.comparingLong(Tuple2::_1));      // file order, as the single-machine reader
        Gpt gpt = ExecutorModels.get(spec.model());
        // every layer in one pass: one forward per batch, stopped after the deepest layer
        KeyStats.Collector c = KeyStats.collector(gpt, Arrays.stream(spec.layers()).boxed().toList()).optPrecision(spec.precision());
        if (spec.tokensPerBatch() != null) c.optTokensPerBatch(spec.tokensPerBatch());
        for (Map.Entry<Integer, KeyStats> e : c.collectLayers(docs.stream().map(Tuple2::_2).iterator()).entrySet()) {
            KeyStats s = e.getValue();
            sums.add(new PartialSums.Sum(e.getKey(), s.count(), s.width(), s.sum()));
        }
        counter.add(docs.size());
        return PartialSums.rows(part, attempt, sums);
    }

    private static Set<Integer> donePartitions(Map<Integer, TreeMap<Integer, PartialSums.Header>> headers, int[] layers) {
        Set<Integer> done = null;
        for (int l : layers) {
            Set<Integer> ps = new HashSet<>(headers.getOrDefault(l, new TreeMap<>()).keySet());
            if (done == null) done = ps;
            else done.retainAll(ps);
        }
        return done == null ? new HashSet<>() : done;
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
