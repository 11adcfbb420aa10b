package org.rome4j.cli;

import org.rome4j.model.HubDownloader;
import org.rome4j.options.JsonOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.Map;

/** {@code download}: fetch a hub model (safetensors only) into the local HF cache. Needs internet. */
@picocli.CommandLine.Command(name = "download", description = "Fetch a hub model into the local HF cache (needs internet; "
        + "HF_ENDPOINT and HF_TOKEN are honoured; only safetensors weights are fetched).")
final class DownloadCommand implements Command {
    @Parameters(paramLabel = "MODEL_ID", description = "a hub id such as gpt2-xl or org/name")
    String id;

    @Option(names = "--revision", paramLabel = "REV", defaultValue = "main", description = "branch, tag or commit")
    String revision;

    @Option(names = "--repo-type", paramLabel = "model|dataset", defaultValue = "model", description = "a model (safetensors "
            + "weights, config, tokenizer) or a dataset repository (e.g. Wikipedia Parquet shards for rome4j stats --corpus)")
    String repoType;

    @Option(names = "--include", paramLabel = "GLOB", defaultValue = "*.parquet", description = "for --repo-type dataset: "
            + "the files to fetch, a glob over the repository's paths (e.g. '20220301.en/*.parquet')")
    String include;

    @Mixin
    JsonOption json;

    @Override
    public int run(PrintStream out) throws Exception {
        if (!repoType.equals("model") && !repoType.equals("dataset")) {
            throw new UsageException("--repo-type must be model or dataset, got " + repoType);
        }
        var snap = repoType.equals("dataset")
                ? HubDownloader.fromEnvironment().downloadDataset(id, revision, include, System.err)
                : HubDownloader.fromEnvironment().download(id, revision,
                        (file, bytes) -> System.err.printf("  %s: %.1f MB%n", file, bytes / 1e6));
        if (json.json()) {
            Json.print(out, Map.of("model", id, "path", snap.toString()));
        } else {
            out.println(id + " -> " + snap + (repoType.equals("dataset") ? " (use rome4j stats --corpus FILE...)" : " (use --model " + id + ")"));
        }
        return 0;
    }
}
