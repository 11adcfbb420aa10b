package org.rome4j.cli;

import org.rome4j.data.Corpus;
import org.rome4j.io.Outputs;
import org.rome4j.io.RunLock;
import org.rome4j.model.Gpt;
import org.rome4j.options.Declared;
import org.rome4j.options.JsonOption;
import org.rome4j.options.ModelOptions;
import org.rome4j.options.OverwriteOption;
import org.rome4j.options.SeedOption;
import org.rome4j.options.StatsDirOption;
import org.rome4j.options.StatsLayerOption;
import org.rome4j.progress.ConsoleProgress;
import org.rome4j.rome.KeyStats;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code stats}: the second moment of the MLP keys at one or several layers over a corpus, as .npz in the original's layout. */
@picocli.CommandLine.Command(name = "stats", description = "ROME's key statistics: the second moment of the MLP keys and the "
        + "token count over a corpus, as .npz in the original's layout (mom2.count, mom2.mom2). Several layers come from one "
        + "pass whose forward stops after the deepest; a checkpoint every few thousand documents lets a rerun resume.")
final class StatsCommand implements Command {
    @Mixin
    StatsLayerOption layers;

    @Option(names = "--corpus", paramLabel = "FILE", required = true, arity = "1..*",
            description = "corpus files (more may follow); " + KeyStats.CORPUS_FORMATS)
    List<Path> corpus;

    @Option(names = "--samples", paramLabel = "N", description = "a seeded random sample of N documents, drawn as the original's "
            + "layer_stats does (default: all)")
    Long samples;

    @Mixin
    SeedOption seed = new SeedOption(1);

    @Option(names = "--precision", paramLabel = "P", defaultValue = "float32", description = "float32 or float64 accumulation")
    String precision;

    @Option(names = "--tokens-per-batch", paramLabel = "N", description = "tokens per forward pass (default 3 x the context)")
    Integer tokensPerBatch;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "5000", description = "save the running sums every N "
            + "documents beside the output (0: never); a rerun with the same arguments resumes there; removed when the run completes")
    int checkpointEvery;

    // stats alone writes one file or a cache folder, so its --out is optional, unlike the required folder of OutOption
    @Option(names = "--out", paramLabel = "F.npz", description = "one layer's statistics to this file (default: the cache layout "
            + "under --stats-dir, where edit finds them)")
    Path out;

    @Mixin
    StatsDirOption statsDir;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "wikipedia", description = "the dataset part of the cache "
            + "file names (the original's is wikipedia)")
    String dataset;

    @Mixin
    OverwriteOption overwrite;

    @Mixin
    ModelOptions model;

    @Mixin
    JsonOption json;

    @Override
    public int run(PrintStream stdout) throws Exception {
        if (!precision.equals("float32") && !precision.equals("float64")) {
            throw new UsageException("stats: --precision must be float32 or float64, got " + precision);
        }
        if (samples != null && samples < 1) throw new UsageException("stats: --samples must be >= 1, got " + samples);
        Declared.range("--checkpoint-every", checkpointEvery, 0, Integer.MAX_VALUE);
        if (out != null && layers.count() > 1) {
            throw new UsageException("stats: --out is one layer's file; several --layers go to the cache layout under --stats-dir");
        }
        for (Path f : corpus) {
            // one empty file among several is a mistake too (a wrong name), not just nothing to add
            if (Files.isRegularFile(f) && Files.size(f) == 0) {
                throw new UsageException("stats: corpus file " + f + " is empty; " + KeyStats.CORPUS_FORMATS);
            }
        }
        Corpus docs = Corpus.of(corpus);     // formats and files checked before the model loads
        if (tokensPerBatch != null) Declared.range("--tokens-per-batch", tokensPerBatch, 1, Integer.MAX_VALUE);
        if (out != null) Outputs.checkFile(out, overwrite.overwrite(), "--overwrite");
        statsDir.check();
        long n = samples != null ? samples : 0;
        try (Gpt gpt = model.load()) {
            List<Integer> chosen = layers.layers(gpt);
            Map<Integer, Path> files = new LinkedHashMap<>();
            for (int l : chosen) {
                if (out != null) {
                    files.put(l, out);      // checked above, before the model loaded
                    continue;
                }
                Path f = KeyStats.cachePath(statsDir.dir(), gpt, model.source(), dataset, l, precision, n);
                Outputs.checkFile(f, overwrite.overwrite(), "--overwrite");
                files.put(l, f);
            }
            Path first = files.values().iterator().next();
            // a second stats run on the same file (and checkpoint) is told it is in use, not left to race the first
            try (RunLock lock = RunLock.take(first, "the statistics file " + first)) {
                return collect(gpt, chosen, files, docs, n, stdout);
            }
        }
    }

    private int collect(Gpt gpt, List<Integer> chosen, Map<Integer, Path> files, Corpus docs, long n, PrintStream stdout) throws Exception {
        ConsoleProgress progress = new ConsoleProgress(System.err, "documents");
        KeyStats.Collector c = KeyStats.collector(gpt, chosen).optPrecision(precision).optListener(progress);
        if (tokensPerBatch != null) c.optTokensPerBatch(Declared.range("--tokens-per-batch", tokensPerBatch, 1, Integer.MAX_VALUE));
        Path first = files.values().iterator().next();
        for (Path f : files.values()) Outputs.checkFile(f, overwrite.overwrite(), "--overwrite");   // another run may have written it meanwhile
        if (checkpointEvery > 0) c.optCheckpoint(first.resolveSibling(first.getFileName() + ".checkpoint"), checkpointEvery);
        long t0 = System.nanoTime();
        // --samples: the original's seeded random sample (random.Random(seed), seed 1), not the first N
        Map<Integer, KeyStats> stats = c.collectLayers(docs, n, seed.seed());
        double secs = (System.nanoTime() - t0) / 1e9;
        progress.finish();
        for (int l : chosen) Outputs.file(files.get(l), overwrite.overwrite(), "--overwrite", stats.get(l)::write);
        KeyStats s = stats.get(chosen.get(0));
        Map<String, Object> m = new LinkedHashMap<>();
        if (chosen.size() == 1) {
            m.put("out", first.toString());
            m.put("layer", chosen.get(0));
        } else {
            Map<String, String> byLayer = new LinkedHashMap<>();
            files.forEach((l, f) -> byLayer.put(Integer.toString(l), f.toString()));
            m.put("files", byLayer);
            m.put("layers", chosen);
        }
        m.put("tokens", s.count());
        m.put("width", s.width());
        m.put("precision", precision);
        m.put("seconds", secs);
        m.put("tokens_per_second", s.count() / secs);
        if (json.json()) {
            Json.print(stdout, m);
        } else {
            for (int l : chosen) {
                stdout.printf("wrote %s: layer %d, %d tokens, width %d, %s, %.1f tokens/s%n", files.get(l), l, s.count(), s.width(),
                        precision, s.count() / secs);
            }
        }
        return 0;
    }
}
