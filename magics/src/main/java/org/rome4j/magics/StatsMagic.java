package org.rome4j.magics;

import org.rome4j.data.Corpus;
import org.rome4j.model.Gpt;
import org.rome4j.options.Declared;
import org.rome4j.options.StatsLayerOption;
import org.rome4j.rome.KeyStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** {@code %stats --layer L [--corpus F,G...] [--samples N]}: key statistics of a layer, kept for {@code %rome_edit}. */
public final class StatsMagic implements Magic<StatsMagic.Options> {
    /**
     * The declaration: the {@link StatsLayerOption} {@code rome4j stats} has; its other options differ on purpose: no output file (the statistics stay in the
     * session for {@code %rome_edit}), a default corpus for tiny-facts, and {@code --samples} the first N documents.
     */
    @Command(name = "stats", description = "Key statistics C = E[k kT] of one layer's MLP keys over a corpus, with live progress; "
            + "%%rome_edit at that layer uses them. Without --corpus the tiny-facts model uses its own training sentences.",
            footerHeading = "%nexamples:%n", footer = {"  %%stats --layer 1", "  %%stats --layer 17 --corpus wiki.txt --samples 1000"})
    public static final class Options {
        @Mixin
        StatsLayerOption layer;

        @Option(names = "--corpus", paramLabel = "F[,G...]", split = ",",
                description = "text files, one document per line (or .jsonl with a text field), comma-separated")
        List<Path> corpus;

        @Option(names = "--samples", paramLabel = "N", defaultValue = "0", description = "use at most N documents (0: all)")
        int samples;
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public Class<?> resultType() {
        return StatsResult.class;
    }

    @Override
    public Object run(Session session, Options o, String body) {
        Gpt gpt = session.model();
        int layer = o.layer.layer(gpt);
        int samples = Declared.range("--samples", o.samples, 0, Integer.MAX_VALUE);
        List<String> corpus = null;
        String source = "the model's training sentences";
        if (o.corpus != null) {
            List<Path> files = o.corpus.stream().filter(p -> !p.toString().isBlank()).toList();
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
