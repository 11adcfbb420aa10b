package org.rome4j.cli;

import org.rome4j.io.Outputs;
import org.rome4j.data.Corpus;
import org.rome4j.model.Gpt;
import org.rome4j.progress.ConsoleProgress;
import org.rome4j.model.Models;
import org.rome4j.rome.KeyStats;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code stats}: the second moment of the MLP keys at a layer over a corpus, as a .npz in the original's layout. */
final class StatsCommand implements Command {
    @Override
    public String name() { return "stats"; }

    @Override
    public String usage() {
        return "stats --model M [--dtype f32|bf16|f16] (--layer L --out F.npz | --layers L1,L2... [--stats-dir DIR] [--dataset NAME]) --corpus FILE... "
                + "[--samples N [--seed S]] [--precision float32|float64] [--tokens-per-batch N] [--checkpoint-every N] [--overwrite] [--json]";
    }

    @Override
    public String help() {
        return "  --layer L           the layer whose MLP keys are measured (this or --layers)\n"
                + "  --layers L1,L2...   several layers in one pass (one forward per batch, stopped after the deepest), each\n"
                + "                      written to the original's cache layout: DIR/{model}/{dataset}_stats/{module}_{precision}_mom2_{N}.npz\n"
                + "  --stats-dir DIR     where --layers writes (default: $ROME4J_CACHE/stats, else ~/.cache/rome4j/stats)\n"
                + "  --dataset NAME      the dataset part of those names (default wikipedia, the original's)\n"
                + "  --checkpoint-every N  save the running sums every N documents (default 5000; 0: never) beside the output;\n"
                + "                      a rerun with the same arguments resumes there; removed when the run completes\n"
                + "  --corpus FILE...    corpus files (required; more may follow as plain words); " + KeyStats.CORPUS_FORMATS + "\n"
                + "  --samples N         a seeded random sample of N documents, drawn as the original's layer_stats does (default: all)\n"
                + "  --seed S            the sample's seed (default 1, the original's)\n"
                + "  --precision P       float32 (default) or float64 accumulation\n"
                + "  --tokens-per-batch N  tokens per forward pass (default 3 x the context)\n"
                + "  --out F.npz         where --layer writes; .npz in the original's layout (mom2.count, mom2.mom2)\n"
                + "  --overwrite         replace F.npz if it exists\n"
                + "  --dtype D           weights in memory: f32 (default), bf16 or f16; computed in float32\n"
                + "  --model M           the embedded tiny-facts (default), a model folder in HF layout, or a hub id in the HF cache\n"
                + "  --json              print the result as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("model", "dtype", "layer", "layers", "corpus", "samples", "seed", "precision",
                        "tokens-per-batch", "out", "stats-dir", "dataset", "checkpoint-every"),
                Set.of("json", "overwrite"), "more corpus files");
        List<Path> corpus = new ArrayList<>();
        corpus.add(Path.of(a.require("corpus")));
        for (String p : a.positional()) corpus.add(Path.of(p));
        if (a.has("layer") == a.has("layers")) throw new UsageException("stats: give --layer L with --out F.npz, or --layers L1,L2...");
        if (a.has("layers") && a.has("out")) {
            throw new UsageException("stats: --layers writes to the cache layout under --stats-dir; --out is for one --layer");
        }
        Path file = a.has("layer") ? Path.of(a.require("out")) : null;
        if (file != null) Outputs.checkFile(file, a.has("overwrite"), "--overwrite");
        String precision = a.get("precision", "float32");
        if (!precision.equals("float32") && !precision.equals("float64")) {
            throw new UsageException("stats: --precision must be float32 or float64, got " + precision);
        }
        long samples = a.has("samples") ? a.getLong("samples", 0) : 0;
        if (a.has("samples") && samples < 1) throw new UsageException("stats: --samples must be >= 1, got " + samples);
        int every = a.getInt("checkpoint-every", 5000, 0, Integer.MAX_VALUE);
        String model = a.get("model", Models.DEFAULT);
        try (Gpt gpt = Models.load(model, a.dtype())) {
            List<Integer> layers = layers(a, gpt);
            Map<Integer, Path> files = new LinkedHashMap<>();
            Path dir = a.has("stats-dir") ? Path.of(a.require("stats-dir")) : KeyStats.defaultCacheDir();
            for (int l : layers) {
                Path f = file != null ? file : KeyStats.cachePath(dir, gpt, model, a.get("dataset", "wikipedia"), l, precision, samples);
                Outputs.checkFile(f, a.has("overwrite"), "--overwrite");
                files.put(l, f);
            }
            Corpus docs = Corpus.of(corpus);
            ConsoleProgress progress = new ConsoleProgress(System.err, "documents");
            KeyStats.Collector c = KeyStats.collector(gpt, layers).optPrecision(precision).optListener(progress);
            if (a.has("tokens-per-batch")) c.optTokensPerBatch(a.getInt("tokens-per-batch", 0, 1, Integer.MAX_VALUE));
            Path first = files.values().iterator().next();
            if (every > 0) c.optCheckpoint(first.resolveSibling(first.getFileName() + ".checkpoint"), every);
            long t0 = System.nanoTime();
            // --samples: the original's seeded random sample (random.Random(seed), seed 1), not the first N
            Map<Integer, KeyStats> stats = c.collectLayers(docs, samples, a.getLong("seed", 1));
            double secs = (System.nanoTime() - t0) / 1e9;
            progress.finish();
            for (int l : layers) Outputs.file(files.get(l), a.has("overwrite"), "--overwrite", stats.get(l)::write);
            KeyStats s = stats.get(layers.get(0));
            Map<String, Object> m = new LinkedHashMap<>();
            if (file != null) {
                m.put("out", file.toString());
                m.put("layer", layers.get(0));
            } else {
                Map<String, String> byLayer = new LinkedHashMap<>();
                files.forEach((l, f) -> byLayer.put(Integer.toString(l), f.toString()));
                m.put("files", byLayer);
                m.put("layers", layers);
            }
            m.put("tokens", s.count());
            m.put("width", s.width());
            m.put("precision", precision);
            m.put("seconds", secs);
            m.put("tokens_per_second", s.count() / secs);
            if (a.json()) {
                Json.print(out, m);
            } else {
                for (int l : layers) {
                    out.printf("wrote %s: layer %d, %d tokens, width %d, %s, %.1f tokens/s%n", files.get(l), l, s.count(), s.width(),
                            precision, s.count() / secs);
                }
            }
            return 0;
        }
    }

    private static List<Integer> layers(Args a, Gpt gpt) {
        String range = "0–" + (gpt.nLayer() - 1);
        List<Integer> out = new ArrayList<>();
        if (a.has("layer")) {
            out.add(a.getInt("layer", -1, Integer.MIN_VALUE, Integer.MAX_VALUE));
        } else {
            for (String p : a.require("layers").split(",")) {
                try {
                    out.add(Integer.parseInt(p.strip()));
                } catch (NumberFormatException e) {
                    throw new UsageException("stats: --layers takes layer numbers separated by commas, e.g. 5,17; got " + a.require("layers"));
                }
            }
        }
        for (int l : out) {
            if (l < 0 || l >= gpt.nLayer()) {
                throw new UsageException("stats: layer " + l + " is out of range: " + gpt.name() + " has layers " + range);
            }
        }
        return out.stream().distinct().sorted().toList();
    }
}
