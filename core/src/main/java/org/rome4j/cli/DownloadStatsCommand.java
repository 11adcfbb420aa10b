package org.rome4j.cli;

import org.rome4j.fetch.HttpFetch;
import org.rome4j.fetch.PaperData;
import org.rome4j.fetch.PaperStats;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.RomeHparams;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code download-stats}: the original project's precomputed key statistics into the statistics cache, where edit looks. */
final class DownloadStatsCommand implements Command {
    @Override
    public String name() { return "download-stats"; }

    @Override
    public String usage() {
        return "download-stats MODEL [--layers 17[,..]] [--hparams P|F.json] [--dir D] [--endpoint URL] [--json]   (needs internet)";
    }

    @Override
    public String help() {
        return "  MODEL               the name edit --model uses, e.g. gpt2-xl or EleutherAI/gpt-j-6B (required)\n"
                + "  --layers L[,L..]    layers to fetch (default: the hyper-parameters' layers, 17 for gpt2-xl)\n"
                + "  --hparams P|F.json  preset or file giving the module, dataset, precision and sample count (default: the model's preset)\n"
                + "  --dir D             the statistics cache (default " + KeyStats.defaultCacheDir() + ", where edit looks; "
                + "the same as edit --stats-dir)\n"
                + DownloadDataCommand.ENDPOINT_HELP
                + "  files: D/MODEL/DATASET_stats/MODULE_PRECISION_mom2_N.npz, the original's layout\n"
                + "  --json              print the saved paths as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("layers", "hparams", "dir", "endpoint"), Set.of("json"), "the model");
        if (a.positional().size() != 1) {
            throw new UsageException("download-stats: give exactly one model, e.g. rome4j download-stats gpt2-xl --layers 17");
        }
        String model = a.positional().get(0);
        RomeHparams hp;
        try {
            hp = PaperStats.hparams(model, a.get("hparams", null));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<Integer> layers = new ArrayList<>();
        if (a.has("layers")) {
            for (String s : a.require("layers").split(",")) {
                try {
                    int l = Integer.parseInt(s.trim());
                    if (l < 0) throw new NumberFormatException();
                    layers.add(l);
                } catch (NumberFormatException e) {
                    throw new UsageException("--layers: \"" + s.trim() + "\" is not a layer number; give e.g. --layers 17 or --layers 15,17");
                }
            }
        } else {
            layers.addAll(hp.layers());
        }
        Path dir = a.has("dir") ? Path.of(a.require("dir")) : KeyStats.defaultCacheDir();
        List<Path> saved = PaperStats.download(PaperStats.targets(model, hp, layers, dir), a.get("endpoint", PaperData.DEFAULT_ENDPOINT),
                PaperStats.localWidth(model), new HttpFetch(System.err), System.err);
        return DownloadDataCommand.printSaved(a, out, "model", model, saved);
    }
}
