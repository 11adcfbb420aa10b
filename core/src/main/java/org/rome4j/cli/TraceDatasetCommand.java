package org.rome4j.cli;

import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.trace.DatasetResult;
import org.rome4j.trace.DatasetTrace;
import org.rome4j.trace.Noise;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code trace-dataset}: causal traces of every known fact of a file, averaged (paper Fig. 2). Writes
 * {@code aggregate.json}, {@code averages.csv}, {@code summary.csv}, {@code wrong.csv} and Plotly
 * figures ({@code figures/*.json}) to the output folder, and caches each fact in
 * {@code cases/}, so a second run resumes.
 */
final class TraceDatasetCommand implements Command {
    @Override
    public String name() { return "trace-dataset"; }

    @Override
    public String usage() {
        return "trace-dataset --model M --facts FILE --out DIR [--limit N] [--window W] [--samples N] [--noise s3] [--json]";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("model", "facts", "out", "limit", "window", "samples", "noise"), Set.of("json", "quiet"));
        Path factsFile = Path.of(a.require("facts"));
        Path dir = Path.of(a.require("out"));
        int limit = a.getInt("limit", -1, 0, Integer.MAX_VALUE);
        int window = a.getInt("window", 10, 1, Integer.MAX_VALUE);
        int samples = a.getInt("samples", 10, 1, 100_000);
        Noise noise;
        try {
            noise = Noise.parse(a.get("noise", "s3"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": " + e.getMessage());
        }
        List<KnownFact> facts = KnownFacts.read(factsFile);
        boolean quiet = a.has("quiet");
        try (Gpt gpt = Models.load(a.get("model", Models.DEFAULT))) {
            long t0 = System.nanoTime();
            DatasetResult r = DatasetTrace.builder(gpt).setFacts(facts).optLimit(limit).optWindow(window).optSamples(samples)
                    .optNoise(noise).optCacheDir(dir)
                    .optListener((done, total, msg) -> {
                        if (!quiet) System.err.printf("[%d/%d] %s%n", done, total, msg);
                    })
                    .build().run();
            r.writeTo(dir);
            if (a.json()) {
                Json.print(out, r.toMap());
            } else {
                out.print(r.report((System.nanoTime() - t0) / 1e9));
                out.println("tables and figures in " + dir);
            }
            return 0;
        }
    }
}
