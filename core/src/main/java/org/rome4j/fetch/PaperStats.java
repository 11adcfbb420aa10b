package org.rome4j.fetch;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.rome4j.model.GptConfig;
import org.rome4j.model.ModelLoadException;
import org.rome4j.model.Models;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.RomeHparams;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The original project's precomputed key statistics, fetched as its {@code rome/layer_stats.py} does:
 * {@code https://rome.baulab.info/data/stats/{model}/{dataset}_stats/{module}_{precision}_mom2_{n}.npz}
 * (model with {@code /} as {@code _}, e.g. {@code gpt2-xl}, {@code EleutherAI_gpt-j-6B}; module the edited
 * projection, e.g. {@code transformer.h.17.mlp.c_proj} for GPT-2, {@code transformer.h.5.mlp.fc_out} for
 * GPT-J), stored at {@link KeyStats#cachePath} under the statistics cache, where {@code edit} looks.
 *
 * <p>Dataset, precision and sample count come from the model's hyper-parameters (the original's presets:
 * {@code wikipedia}, {@code float32}, 100,000); the module from the model's family. No checksums are
 * published for these files: each is checked against the server's length, its SHA-256 is recorded beside
 * it, and it must open as statistics of the model's MLP width.
 */
public final class PaperStats {
    private PaperStats() { }

    /**
     * One layer's file.
     *
     * @param remote the path under {@code {endpoint}/data/stats/}
     * @param local  where it is stored
     */
    public record Target(int layer, String remote, Path local) { }

    /**
     * The files for {@code layers} of {@code model} under {@code statsDir}.
     *
     * @param model a hub id or name as the user types it for {@code edit --model}
     * @param hp    the hyper-parameters {@code edit} will use (module template, dataset, precision, count)
     */
    public static List<Target> targets(String model, RomeHparams hp, List<Integer> layers, Path statsDir) {
        // the original names the folder after config._name_or_path: "gpt2-xl", not "openai-community_gpt2-xl"
        String remoteModel = model.replace("openai-community/", "").replace("/", "_");
        List<Target> out = new ArrayList<>();
        for (int l : layers) {
            String module = hp.rewriteModuleTmp().replace("{}", Integer.toString(l));
            Path local = KeyStats.cachePath(statsDir, model, hp.mom2Dataset(), module, hp.mom2Dtype(), hp.mom2NSamples());
            String file = local.getFileName().toString();
            out.add(new Target(l, remoteModel + "/" + hp.mom2Dataset() + "_stats/" + file, local));
        }
        return out;
    }

    /** The hyper-parameters for a model name: {@code hparams} (preset or file) when given, else the preset named like the model. */
    public static RomeHparams hparams(String model, String hparams) throws IOException {
        if (hparams != null) return RomeHparams.load(hparams);
        String guess = model.replace("openai-community/", "").replace("/", "_");
        if (!RomeHparams.PRESETS.contains(guess)) {
            throw new IllegalArgumentException("no hyper-parameters for model " + model + ": pass --hparams with a preset ("
                    + String.join(", ", RomeHparams.PRESETS) + ") or a JSON file in the original schema");
        }
        return RomeHparams.preset(guess);
    }

    /** The model's MLP width from its config.json, when the model is available locally. */
    public static Optional<Integer> localWidth(String model) {
        try {
            Path dir = Models.resolve(model);
            return Optional.of(GptConfig.fromJson(new ObjectMapper().readTree(dir.resolve("config.json").toFile())).nInner());
        } catch (ModelLoadException | IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Downloads each target and checks it opens as statistics of width {@code width} (when known); a
     * file of the wrong width is deleted, so that {@code edit} never picks it up.
     */
    public static List<Path> download(List<Target> targets, String endpoint, Optional<Integer> width, HttpFetch fetch, PrintStream log)
            throws IOException, InterruptedException {
        List<Path> out = new ArrayList<>();
        for (Target t : targets) {
            URI url = URI.create(endpoint.replaceAll("/+$", "") + "/data/stats/" + t.remote());
            if (log != null) log.println("layer " + t.layer() + " <- " + url);
            boolean fresh = fetch.fetch(url, t.local(), HttpFetch.Expect.UNKNOWN);
            KeyStats s;
            try {
                s = KeyStats.read(t.local());
            } catch (IOException | IllegalArgumentException e) {
                if (fresh) delete(t.local());
                throw new DownloadException(url + " is not a statistics file (" + org.rome4j.io.Problems.oneLine(e)
                        + ")" + (fresh ? "; it was deleted" : "; delete " + t.local()));
            }
            if (width.isPresent() && s.width() != width.get()) {
                delete(t.local());
                throw new DownloadException(url + " holds statistics of width " + s.width() + " but the model's MLP width is "
                        + width.get() + "; it was deleted: check the model name and --endpoint");
            }
            if (log != null) {
                log.println("  " + (fresh ? "saved " : "already there: ") + t.local() + " (" + s.count() + " tokens, width " + s.width()
                        + (width.isPresent() ? ", matches the model" : ", model not available locally: width checked when edit loads it")
                        + (fresh ? "; length verified, SHA-256 recorded in " + HttpFetch.shaFile(t.local()).getFileName() : "") + ")");
            }
            out.add(t.local());
        }
        return out;
    }

    private static void delete(Path f) throws IOException {
        Files.deleteIfExists(f);
        Files.deleteIfExists(HttpFetch.shaFile(f));
    }
}
