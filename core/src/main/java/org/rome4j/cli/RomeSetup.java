package org.rome4j.cli;

import org.rome4j.io.Npy;
import org.rome4j.io.Outputs;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.options.Declared;
import org.rome4j.options.HparamOptions;
import org.rome4j.rome.ContextTemplates;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;
import org.rome4j.data.FactData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The options {@code edit} and {@code eval} share (and the Spark eval job): hparams, statistics, templates, layer, r-ROME. */
public final class RomeSetup {
    /** Valued options: the shared {@link HparamOptions} and the session's. */
    public static final List<String> VALUED = java.util.stream.Stream.concat(Declared.names(new HparamOptions(), false).stream(),
            java.util.stream.Stream.of("stats", "stats-dir", "templates", "seed")).toList();
    /** Flags. */
    public static final List<String> FLAGS = List.of("r-rome");
    /** The help lines of these options, for {@code edit --help} and {@code eval --help}. */
    static final String HELP = Declared.helpLines(new HparamOptions())
            + "  --stats F.npz       key statistics (from rome4j stats; .npz in the original's layout, or a .npy of C^-1)\n"
            + "                      (default: the cache under --stats-dir; for tiny-facts they are computed from its own sentences)\n"
            + "  --stats-dir DIR     the statistics cache (default: $ROME4J_CACHE/stats, else ~/.cache/rome4j/stats)\n"
            + "  --templates F.json  context templates: a JSON list such as [\"{}\", \"The first thing I. {}\"] (default: generated)\n"
            + "  --r-rome            r-ROME: average keys over templates for the update too\n"
            + "  --seed S            seed for template generation (default 0)\n";

    private RomeSetup() { }

    /** The embedded model's statistics from its own training sentences (as %stats does), cached at {@code f}. */
    private static KeyStats ownSentences(Gpt gpt, int layer, long samples, Path f) throws IOException {
        System.err.println("computing key statistics for layer " + layer + " from " + gpt.name() + "'s training sentences (cached in "
                + f + ")");
        KeyStats.Collector c = KeyStats.collector(gpt, layer);
        if (samples > 0) c.optSamples(samples);
        KeyStats s = c.collect(FactData.loadBundled().corpus().iterator());
        Outputs.file(f, false, "--overwrite", s::write);
        return s;
    }

    /** Hyper-parameters from the shared {@link HparamOptions}. */
    public static RomeHparams hparams(Args a, String model, Gpt gpt) throws IOException {
        try {
            return Declared.from(new HparamOptions(), a::has, n -> a.get(n, null)).resolve(model, gpt);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * A session: statistics from --stats, else the original's cache path under --stats-dir (default: the user's
     * cache folder, {@link KeyStats#defaultCacheDir()}; the original's {@code data/stats} is read when it has the file).
     * For the embedded model missing statistics are computed from its own training sentences and cached, as the notebook does.
     */
    public static Rome session(Args a, String model, Gpt gpt, RomeHparams hp, boolean measure) throws IOException {
        Rome.Builder b = Rome.builder(gpt).hparams(hp).rRome(a.has("r-rome")).measure(measure)
                .seed(a.getLong("seed", 0));
        if (a.has("templates")) b.templates(ContextTemplates.read(Path.of(a.require("templates"))));
        if (hp.mom2Adjustment()) {
            for (int l : hp.layers()) {
                Path f;
                if (a.has("stats")) {
                    f = Path.of(a.require("stats"));
                } else {
                    String module = hp.rewriteModuleTmp().replace("{}", Integer.toString(l));
                    f = KeyStats.cachePath(a.has("stats-dir") ? Path.of(a.require("stats-dir")) : KeyStats.defaultCacheDir(), model,
                            hp.mom2Dataset(), module, hp.mom2Dtype(), hp.mom2NSamples());
                    Path legacy = KeyStats.cachePath(Path.of("data/stats"), model, hp.mom2Dataset(), module, hp.mom2Dtype(), hp.mom2NSamples());
                    if (!Files.isRegularFile(f) && !a.has("stats-dir") && Files.isRegularFile(legacy)) f = legacy;
                    if (!Files.isRegularFile(f)) {
                        if (!Models.EMBEDDED.contains(model)) {
                            throw new UsageException("no key statistics for layer " + l + " (looked for " + f + "): compute them with "
                                    + "rome4j stats --model " + model + " --layer " + l + " --corpus FILE --out " + f
                                    + " (" + KeyStats.CORPUS_FORMATS + "), or pass --stats");
                        }
                        b.stats(l, ownSentences(gpt, l, hp.mom2NSamples(), f));
                        continue;
                    }
                }
                if (f.getFileName().toString().endsWith(".npy")) {
                    float[] inv = Npy.read(f).floats();
                    b.inverse(l, inv);     // a precomputed C⁻¹
                } else {
                    b.stats(l, KeyStats.read(f).checkWidth(gpt, f));
                }
            }
        }
        return b.build();
    }
}
