package org.rome4j.options;

import org.rome4j.fetch.PaperData;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What an evaluation runs over ({@code eval}, {@code %counterfact_eval}): the dataset, how much of it, generation length. */
public final class EvalOptions {
    @Option(names = "--dataset", paramLabel = "F|known_1000", description = "CounterFact JSON (a list of "
            + "{\"case_id\", \"requested_rewrite\", ...}), zsRE JSON (eval --format zsre), known_1000 (the shipped "
            + "CounterFact-format benchmark built from known_1000), or counterfact / zsre: the original's files fetched by "
            + "rome4j download-data into the data folder (default: the model's own counterfact.json where its folder has one, "
            + "as tiny-biographies does; else known_1000)")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "D", description = "where download-data put the original's files (D/dsets/; "
            + "default: $ROME4J_DATA, else $ROME4J_CACHE/data, else ~/.cache/rome4j/data, then ./data); the consistency "
            + "metric's snippets and TF-IDF files are taken from there when present")
    Path dataDir;

    @Mixin
    LimitOption limit;

    @Option(names = "--gen-tokens", paramLabel = "N", description = "new tokens per generation for the fluency metrics "
            + "(generation entropy), 0-10000; 0 skips generation")
    int genTokens;

    /** Face defaults: {@code limit} records (null: all) and {@code genTokens} tokens per generation. */
    public EvalOptions(Integer limit, int genTokens) {
        this.limit = new LimitOption(limit);
        this.genTokens = genTokens;
    }

    /** The CLI's: every record, 100 tokens (the original's). */
    public EvalOptions() {
        this(null, 100);
    }

    /** The dataset: a file, or {@code known_1000} (also when none was given). */
    public String dataset() {
        return dataset == null ? "known_1000" : dataset;
    }

    /**
     * {@link #datasetFile()}, except that without {@code --dataset} a model folder's own {@code counterfact.json} (records
     * of facts it was trained on) is used where it ships one: known_1000's facts mean nothing to a model that never saw them.
     */
    public Path datasetFile(Path modelDir) {
        if (dataset == null && modelDir != null && Files.isRegularFile(modelDir.resolve("counterfact.json"))) {
            return modelDir.resolve("counterfact.json");
        }
        return datasetFile();
    }

    /**
     * The dataset's file: {@code counterfact} and {@code zsre} name the original's files in the data folder (unless a
     * file of that name exists here), anything else is a path. Null for {@code known_1000}, which ships in the jar.
     *
     * @throws IllegalArgumentException naming the download-data command when the original's file is missing
     */
    public Path datasetFile() {
        String dataset = dataset();
        if (dataset.equals("known_1000")) return null;
        Path f = Path.of(dataset);
        if (Files.exists(f)) return f;
        if (dataset.equals("counterfact")) return PaperData.require(PaperData.File.COUNTERFACT, dataDir);
        if (dataset.equals("zsre")) return PaperData.require(PaperData.File.ZSRE, dataDir);
        return f;
    }

    /** Whether the dataset is the original's zsRE file named by its key. */
    public boolean namesZsre() {
        return dataset != null && dataset.equals("zsre") && !Files.exists(Path.of(dataset));
    }

    /** The consistency metric's downloaded files (snippets, TF-IDF vocabulary, IDF) in the data folder, when all are there. */
    public Optional<PaperData.Reference> downloadedReference() {
        return PaperData.findReference(dataDir);
    }

    /** The limit, or {@code Integer.MAX_VALUE}. */
    public int limit() {
        return limit.limit(Integer.MAX_VALUE);
    }

    /** Tokens per generation. */
    public int genTokens() {
        return Declared.range("--gen-tokens", genTokens, 0, 10_000);
    }
}
