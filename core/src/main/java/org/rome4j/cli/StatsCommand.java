package org.rome4j.cli;

import org.rome4j.data.Corpus;
import org.rome4j.io.Outputs;
import org.rome4j.model.Gpt;
import org.rome4j.options.Declared;
import org.rome4j.options.JsonOption;
import org.rome4j.options.ModelOptions;
import org.rome4j.options.OutOption;
import org.rome4j.options.OverwriteOption;
import org.rome4j.options.SeedOption;
import org.rome4j.options.StatsLayerOption;
import org.rome4j.rome.KeyStats;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code stats}: the second moment of the MLP keys at a layer over a corpus, as a .npz in the original's layout. */
@picocli.CommandLine.Command(name = "stats", description = "ROME's key statistics: the second moment of one layer's MLP keys "
        + "and the token count over a corpus, written as .npz in the original's layout (mom2.count, mom2.mom2).")
final class StatsCommand implements Command {
    @Mixin
    StatsLayerOption layer;

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

    @Mixin
    OutOption out;

    @Mixin
    OverwriteOption overwrite;

    @Mixin
    ModelOptions model;

    @Mixin
    JsonOption json;

    @Override
    public int run(PrintStream stdout) throws Exception {
        Path file = out.path();
        Outputs.checkFile(file, overwrite.overwrite(), "--overwrite");
        if (!precision.equals("float32") && !precision.equals("float64")) {
            throw new UsageException("stats: --precision must be float32 or float64, got " + precision);
        }
        try (Gpt gpt = model.load()) {
            int layer = this.layer.layer(gpt);
            for (Path f : corpus) {
                // one empty file among several is a mistake too (a wrong name), not just nothing to add
                if (java.nio.file.Files.isRegularFile(f) && java.nio.file.Files.size(f) == 0) {
                    throw new UsageException("stats: corpus file " + f + " is empty; " + KeyStats.CORPUS_FORMATS);
                }
            }
            Corpus docs = Corpus.of(corpus);
            KeyStats.Collector c = KeyStats.collector(gpt, layer).precision(precision)
                    .optListener((d, t, m) -> System.err.print("\r" + d + (t > 0 ? "/" + t : "") + " documents, " + m));
            if (tokensPerBatch != null) c.tokensPerBatch(Declared.range("--tokens-per-batch", tokensPerBatch, 1, Integer.MAX_VALUE));
            long t0 = System.nanoTime();
            // --samples: the original's seeded random sample (random.Random(seed), seed 1), not the first N
            KeyStats s = c.collect(samples != null ? docs.sample(samples, seed.seed()) : docs.documents());
            double secs = (System.nanoTime() - t0) / 1e9;
            System.err.println();
            Outputs.file(file, overwrite.overwrite(), "--overwrite", s::write);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", file.toString());
            m.put("layer", layer);
            m.put("tokens", s.count());
            m.put("width", s.width());
            m.put("precision", precision);
            m.put("seconds", secs);
            m.put("tokens_per_second", s.count() / secs);
            if (json.json()) {
                Json.print(stdout, m);
            } else {
                stdout.printf("wrote %s: layer %d, %d tokens, width %d, %s, %.1f tokens/s%n", file, layer, s.count(), s.width(),
                        precision, s.count() / secs);
            }
            return 0;
        }
    }
}
