package org.rome4j.cli;

import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;
import org.rome4j.rome.ContextTemplates;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The options {@code edit} and {@code eval} share (and the Spark eval job): hparams, statistics, templates, layer, r-ROME. */
public final class RomeSetup {
    /** Valued options. */
    public static final List<String> VALUED = List.of("hparams", "stats", "stats-dir", "templates", "layer", "seed");
    /** Flags. */
    public static final List<String> FLAGS = List.of("r-rome");

    private RomeSetup() { }

    /** Hyper-parameters: --hparams (preset or file), else the preset named like the model. */
    public static RomeHparams hparams(Args a, String model, Gpt gpt) throws IOException {
        String h = a.get("hparams", null);
        RomeHparams hp;
        if (h != null) {
            hp = RomeHparams.load(h);
        } else {
            String guess = model.replace("/", "_").replace("openai-community_", "");
            if (!RomeHparams.PRESETS.contains(guess)) {
                throw new UsageException("no hyper-parameters for model " + model + ": pass --hparams with a preset ("
                        + String.join(", ", RomeHparams.PRESETS) + ") or a JSON file in the original schema");
            }
            hp = RomeHparams.preset(guess);
        }
        if (a.has("layer")) hp = hp.withLayers(List.of(a.getInt("layer", 0, Integer.MIN_VALUE, Integer.MAX_VALUE)));
        for (int l : hp.layers()) {
            if (l < 0 || l >= gpt.nLayer()) {
                throw new UsageException("layer " + l + " is out of range: " + gpt.name() + " has layers 0–" + (gpt.nLayer() - 1)
                        + "; pass --layer or fix \"layers\" in the hparams");
            }
        }
        return hp;
    }

    /** A session: statistics from --stats, else the original's cache path under --stats-dir (default data/stats). */
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
                    f = KeyStats.cachePath(Path.of(a.get("stats-dir", "data/stats")), model, hp.mom2Dataset(),
                            hp.rewriteModuleTmp().replace("{}", Integer.toString(l)), hp.mom2Dtype(), hp.mom2NSamples());
                    if (!Files.isRegularFile(f)) {
                        throw new UsageException("no key statistics for layer " + l + " (looked for " + f + "): compute them with "
                                + "rome4j stats --model " + model + " --layer " + l + " --corpus FILE --out " + f + ", or pass --stats");
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
