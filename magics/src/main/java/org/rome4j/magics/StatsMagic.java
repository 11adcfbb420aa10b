package org.rome4j.magics;

import org.rome4j.data.Corpus;
import org.rome4j.model.Gpt;
import org.rome4j.rome.KeyStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/** {@code %stats --layer L [--corpus F,G...] [--samples N]}: key statistics of a layer, kept for {@code %rome_edit}. */
public final class StatsMagic implements Magic {
    private final Spec spec = new Spec("stats",
            "Key statistics C = E[k kᵀ] of one layer's MLP keys over a corpus, with live progress; %rome_edit at that layer "
                    + "uses them. Without --corpus the tiny-facts model uses its own training sentences.")
            .option("layer", "L", null, "the layer (required)")
            .option("corpus", "F[,G...]", null, "text files, one document per line (or .jsonl with a text field), comma-separated")
            .option("samples", "N", "0", "use at most N documents (0: all)")
            .example("%stats --layer 1")
            .example("%stats --layer 17 --corpus wiki.txt --samples 1000");

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public Class<?> resultType() {
        return StatsResult.class;
    }

    @Override
    public Object run(Session session, Spec.Parsed a, String body) {
        if (!a.has("layer")) throw new MagicException("%stats: --layer L is required");
        Gpt gpt = session.model();
        int layer = a.getInt("layer", 0, gpt.nLayer() - 1);
        int samples = a.getInt("samples", 0, Integer.MAX_VALUE);
        List<String> corpus = null;
        String source = "the model's training sentences";
        if (a.has("corpus")) {
            List<Path> files = Arrays.stream(a.get("corpus").split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Path::of).toList();
            for (Path f : files) {
                if (!Files.isRegularFile(f)) throw new MagicException("%stats: corpus file not found: " + f.toAbsolutePath());
            }
            corpus = new ArrayList<>();
            // the original's seeded sample (layer_stats: random.Random(1)), not the first N
            Iterator<String> it = samples > 0 ? Corpus.of(files).sample(samples, 1) : Corpus.of(files).documents();
            it.forEachRemaining(corpus::add);
            if (corpus.isEmpty()) throw new MagicException("%stats: the corpus has no documents");
            source = String.join(", ", files.stream().map(Path::toString).toList());
        }
        KeyStats s = session.editing().collect(session, gpt, layer, corpus, samples);
        return new StatsResult(layer, s, source);
    }
}
