package org.rome4j.cli;

import org.rome4j.model.HubDownloader;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/** {@code download}: fetch a hub model (safetensors only) into the local HF cache. Needs internet. */
final class DownloadCommand implements Command {
    @Override
    public String name() { return "download"; }

    @Override
    public String usage() { return "download MODEL_ID [--revision main] [--json]   (needs internet; HF_ENDPOINT, HF_TOKEN honoured)"; }

    @Override
    public String help() {
        return "  MODEL_ID            a hub id such as gpt2-xl or org/name (required)\n"
                + "  --revision REV      branch, tag or commit (default main)\n"
                + "  HF_ENDPOINT and HF_TOKEN are honoured; only safetensors weights are fetched, into the HF cache\n"
                + "  --json              print the result as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("revision"), Set.of("json"), "the model id");
        if (a.positional().size() != 1) {
            throw new UsageException("download: give exactly one model id, e.g. rome4j download gpt2-xl");
        }
        String id = a.positional().get(0);
        var snap = HubDownloader.fromEnvironment().download(id, a.get("revision", "main"),
                (file, bytes) -> System.err.printf("  %s: %.1f MB%n", file, bytes / 1e6));
        if (a.json()) {
            Json.print(out, Map.of("model", id, "path", snap.toString()));
        } else {
            out.println(id + " -> " + snap + " (use --model " + id + ")");
        }
        return 0;
    }
}
