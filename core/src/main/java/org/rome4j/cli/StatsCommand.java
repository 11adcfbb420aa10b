package org.rome4j.cli;

import org.rome4j.io.Outputs;
import org.rome4j.data.Corpus;
import org.rome4j.model.Gpt;
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
        return "stats --model M [--dtype f32|bf16|f16] --layer L --corpus FILE... [--samples N [--seed S]] [--precision float32|float64] [--tokens-per-batch N] --out F.npz [--overwrite] [--json]";
    }

    @Override
    public String help() {
        return "  --layer L           the layer whose MLP keys are measured (required)\n"
                + "  --corpus FILE...    corpus files (required; more may follow as plain words); " + KeyStats.CORPUS_FORMATS + "\n"
                + "  --samples N         a seeded random sample of N documents, drawn as the original's layer_stats does (default: all)\n"
                + "  --seed S            the sample's seed (default 1, the original's)\n"
                + "  --precision P       float32 (default) or float64 accumulation\n"
                + "  --tokens-per-batch N  tokens per forward pass (default 3 x the context)\n"
                + "  --out F.npz         where to write (required); .npz in the original's layout (mom2.count, mom2.mom2)\n"
                + "  --overwrite         replace F.npz if it exists\n"
                + "  --dtype D           weights in memory: f32 (default), bf16 or f16; computed in float32\n"
                + "  --model M           the embedded tiny-facts (default), a model folder in HF layout, or a hub id in the HF cache\n"
                + "  --json              print the result as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("model", "dtype", "layer", "corpus", "samples", "seed", "precision", "tokens-per-batch", "out"),
                Set.of("json", "overwrite"), "more corpus files");
        List<Path> corpus = new ArrayList<>();
        corpus.add(Path.of(a.require("corpus")));
        for (String p : a.positional()) corpus.add(Path.of(p));
        Path file = Path.of(a.require("out"));
        Outputs.checkFile(file, a.has("overwrite"), "--overwrite");
        String precision = a.get("precision", "float32");
        if (!precision.equals("float32") && !precision.equals("float64")) {
            throw new UsageException("stats: --precision must be float32 or float64, got " + precision);
        }
        try (Gpt gpt = Models.load(a.get("model", Models.DEFAULT), a.dtype())) {
            int layer = a.getInt("layer", -1, Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (!a.has("layer")) throw new UsageException("stats: --layer is required (0–" + (gpt.nLayer() - 1) + ")");
            if (layer < 0 || layer >= gpt.nLayer()) {
                throw new UsageException("stats: layer " + layer + " is out of range: " + gpt.name() + " has layers 0–" + (gpt.nLayer() - 1));
            }
            Corpus docs = Corpus.of(corpus);
            KeyStats.Collector c = KeyStats.collector(gpt, layer).optPrecision(precision)
                    .optListener((d, t, m) -> System.err.print("\r" + d + (t > 0 ? "/" + t : "") + " documents, " + m));
            if (a.has("tokens-per-batch")) c.optTokensPerBatch(a.getInt("tokens-per-batch", 0, 1, Integer.MAX_VALUE));
            long t0 = System.nanoTime();
            // --samples: the original's seeded random sample (random.Random(seed), seed 1), not the first N
            KeyStats s = c.collect(a.has("samples") ? docs.sample(a.getLong("samples", 0), a.getLong("seed", 1)) : docs.documents());
            double secs = (System.nanoTime() - t0) / 1e9;
            System.err.println();
            Outputs.file(file, a.has("overwrite"), "--overwrite", s::write);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", file.toString());
            m.put("layer", layer);
            m.put("tokens", s.count());
            m.put("width", s.width());
            m.put("precision", precision);
            m.put("seconds", secs);
            m.put("tokens_per_second", s.count() / secs);
            if (a.json()) {
                Json.print(out, m);
            } else {
                out.printf("wrote %s: layer %d, %d tokens, width %d, %s, %.1f tokens/s%n", file, layer, s.count(), s.width(),
                        precision, s.count() / secs);
            }
            return 0;
        }
    }
}
