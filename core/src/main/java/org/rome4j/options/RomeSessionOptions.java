package org.rome4j.options;

import org.rome4j.data.TrainingCorpus;
import org.rome4j.io.Npy;
import org.rome4j.io.Npz;
import org.rome4j.io.Outputs;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.rome.ContextTemplates;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How {@code edit}, {@code eval} and the Spark {@code eval} job build their ROME session: the {@link HparamOptions},
 * the key statistics ({@link StatsFileOption}, {@code --stats-dir}), the context templates and r-ROME.
 */
public final class RomeSessionOptions {
    @Mixin
    HparamOptions hparams = new HparamOptions();

    @Mixin
    StatsFileOption stats = new StatsFileOption();

    @Mixin
    StatsDirOption statsDir = new StatsDirOption();

    @Option(names = "--templates", paramLabel = "F.json", description = "context templates: a JSON list such as "
            + "[\"{}\", \"The first thing I. {}\"] (default: generated)")
    Path templates;

    @Option(names = "--r-rome", description = "r-ROME: average keys over templates for the update too")
    boolean rRome;

    @Mixin
    SeedOption seed = new SeedOption(0);

    /**
     * Checks every input that needs no model, before one loads (minutes for a large one) or statistics are computed:
     * the hyper-parameters, the context templates, the {@code --stats} file (it exists and is a .npz archive or a .npy
     * file; its width is checked against the model later) and that {@code --stats-dir} can hold statistics
     * ({@link StatsDirOption#check}).
     *
     * @throws IllegalArgumentException with a one-line message naming the fix
     */
    public void check() throws IOException {
        hparams.check();
        if (templates != null) ContextTemplates.read(templates);
        Path f = stats.path();
        if (f != null) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("--stats file not found: " + f + "; pass a .npz from rome4j stats (or a .npy of C^-1), "
                        + "or leave --stats out to use the cache under --stats-dir");
            }
            if (f.getFileName().toString().endsWith(".npy")) {
                Npy.read(f);
            } else if (Npz.keys(f).isEmpty()) {
                throw new IllegalArgumentException("--stats " + f + " is not a .npz archive (no entries): pass the file rome4j stats wrote");
            }
        }
        statsDir.check();
    }

    /** The hyper-parameters for {@code model}. */
    public RomeHparams hparams(String model, Gpt gpt) throws IOException {
        return hparams.resolve(model, gpt);
    }

    /**
     * A session: statistics from --stats, else the original's cache path under --stats-dir (default: the user's
     * cache folder, {@link KeyStats#defaultCacheDir()}; the original's {@code data/stats} is read when it has the file).
     * For the embedded models missing statistics are computed from the text they were trained on ({@link TrainingCorpus}) and cached.
     */
    public Rome session(String model, Gpt gpt, RomeHparams hp, boolean measure) throws IOException {
        Rome.Builder b = Rome.builder(gpt).setHparams(hp).optRRome(rRome).optMeasure(measure).optSeed(seed.seed());
        if (templates != null) b.optTemplates(ContextTemplates.read(templates));
        if (!hp.mom2Adjustment()) return b.build();
        for (int l : hp.layers()) {
            Path f = stats.path();
            if (f == null) {
                String module = hp.rewriteModuleTmp().replace("{}", Integer.toString(l));
                f = KeyStats.cachePath(statsDir.dir(), model,
                        hp.mom2Dataset(), module, hp.mom2Dtype(), hp.mom2NSamples());
                Path legacy = KeyStats.cachePath(Path.of("data/stats"), model, hp.mom2Dataset(), module, hp.mom2Dtype(), hp.mom2NSamples());
                if (!Files.isRegularFile(f) && statsDir.given() == null && Files.isRegularFile(legacy)) f = legacy;
                if (!Files.isRegularFile(f)) {
                    java.util.Optional<java.util.List<String>> own = TrainingCorpus.of(gpt);
                    if (own.isEmpty()) {
                        throw new IllegalArgumentException("no key statistics for layer " + l + " (looked for " + f + "): compute them with "
                                + "rome4j stats --model " + model + " --layer " + l + " --corpus FILE --out " + f
                                + " (" + KeyStats.CORPUS_FORMATS + "), or pass --stats");
                    }
                    b.optStats(l, ownSentences(gpt, l, hp.mom2NSamples(), f, own.get()));
                    continue;
                }
            }
            if (f.getFileName().toString().endsWith(".npy")) {
                b.optInverse(l, Npy.read(f).floats());     // a precomputed C⁻¹
            } else {
                b.optStats(l, KeyStats.read(f).checkWidth(gpt, f));
            }
        }
        return b.build();
    }

    /** The embedded model's statistics from the text it was trained on (as %rome_edit does), cached at {@code f}. */
    private static KeyStats ownSentences(Gpt gpt, int layer, long samples, Path f, java.util.List<String> docs) throws IOException {
        System.err.println("computing key statistics for layer " + layer + " from " + TrainingCorpus.describe(gpt) + " (cached in "
                + f + ")");
        KeyStats.Collector c = KeyStats.collector(gpt, layer);
        if (samples > 0) c.optSamples(samples);
        KeyStats s = c.collect(docs.iterator());
        try {
            Outputs.file(f, false, "--overwrite", s::write);
        } catch (IllegalArgumentException e) {
            // another process (a second Spark executor on this host) cached the same statistics meanwhile: the same numbers, keep its file
            if (!Files.isRegularFile(f)) throw e;
        }
        return s;
    }
}
