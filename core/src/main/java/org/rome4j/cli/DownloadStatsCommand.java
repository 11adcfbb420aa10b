package org.rome4j.cli;

import org.rome4j.fetch.HttpFetch;
import org.rome4j.fetch.PaperStats;
import org.rome4j.options.JsonOption;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.RomeHparams;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code download-stats}: the original project's precomputed key statistics into the statistics cache, where edit looks. */
@picocli.CommandLine.Command(name = "download-stats", description = "Fetch the original project's precomputed key statistics "
        + "into the statistics cache, D/MODEL/DATASET_stats/MODULE_PRECISION_mom2_N.npz as the original lays them out, "
        + "where edit and eval find them (needs internet).")
final class DownloadStatsCommand implements Command {
    @Parameters(paramLabel = "MODEL", description = "the name edit --model uses, e.g. gpt2-xl or EleutherAI/gpt-j-6B")
    String model;

    @Option(names = "--layers", paramLabel = "L", split = ",", description = "layers to fetch (default: the "
            + "hyper-parameters' layers, 17 for gpt2-xl)")
    List<Integer> layers;

    @Option(names = "--hparams", paramLabel = "P|F.json", description = "preset or file giving the module, dataset, "
            + "precision and sample count (default: the model's preset)")
    String hparams;

    @Option(names = "--dir", paramLabel = "D", description = "the statistics cache (default: $ROME4J_CACHE/stats, else "
            + "~/.cache/rome4j/stats; the folder edit --stats-dir reads)")
    Path dir;

    @Mixin
    DownloadDataCommand.EndpointOption endpoint;

    @Mixin
    JsonOption json;

    @Override
    public int run(PrintStream out) throws Exception {
        RomeHparams hp;
        try {
            hp = PaperStats.hparams(model, hparams);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<Integer> chosen = layers != null ? layers : hp.layers();
        for (int l : chosen) {
            if (l < 0) throw new UsageException("--layers: " + l + " is not a layer number; give e.g. --layers 17 or --layers 15,17");
        }
        Path d = dir != null ? dir : KeyStats.defaultCacheDir();
        List<Path> saved = PaperStats.download(PaperStats.targets(model, hp, chosen, d), endpoint.url(),
                PaperStats.localWidth(model), new HttpFetch(System.err), System.err);
        return DownloadDataCommand.printSaved(json, out, "model", model, saved);
    }
}
