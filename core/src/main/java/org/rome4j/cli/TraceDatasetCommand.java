package org.rome4j.cli;

import org.rome4j.options.CorruptionOptions;
import org.rome4j.options.Declared;

import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.io.Outputs;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.model.UnknownWords;
import org.rome4j.trace.DatasetResult;
import org.rome4j.trace.DatasetTrace;
import org.rome4j.trace.Noise;

import java.io.PrintStream;
import java.nio.file.Files;
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
        return "trace-dataset --model M [--dtype f32|bf16|f16] --facts FILE --out DIR [--limit N] [--window W] [--samples N] [--noise s3] [--json]";
    }

    @Override
    public String help() {
        return "  --facts FILE        facts in known_1000.json format (required)\n"
                + "  --out DIR           results folder; rerunning with the same DIR resumes (required)\n"
                + "  --limit N           trace at most N facts (default: all)\n"
                + Declared.helpLines(new CorruptionOptions())
                + "  --quiet             no progress lines\n"
                + "  --dtype D           weights in memory: f32 (default), bf16 or f16; computed in float32\n"
                + "  --model M           the embedded tiny-facts (default), a model folder in HF layout, or a hub id in the HF cache\n"
                + "  --json              print the result as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Set<String> valued = new java.util.HashSet<>(Set.of("model", "dtype", "facts", "out", "limit"));
        valued.addAll(Declared.names(new CorruptionOptions(), false));
        Args a = Args.parse(name(), argv, valued, Set.of("json", "quiet"));
        Path factsFile = Path.of(a.require("facts"));
        Path dir = Path.of(a.require("out"));
        Outputs.checkResumable(dir, d -> Files.isRegularFile(d.resolve("config.json")) && Files.isDirectory(d.resolve("cases")),
                "trace-dataset results (config.json, cases/)");
        int limit = a.getInt("limit", -1, 0, Integer.MAX_VALUE);
        int window;
        int samples;
        Noise noise;
        try {
            CorruptionOptions c = Declared.from(new CorruptionOptions(), a::has, n -> a.get(n, null));
            window = c.window();
            samples = c.samples();
            noise = c.noise();
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": " + e.getMessage());
        }
        List<KnownFact> facts = KnownFacts.read(factsFile);
        boolean quiet = a.has("quiet");
        try (Gpt gpt = Models.load(a.get("model", Models.DEFAULT), a.dtype())) {
            org.rome4j.trace.Kind.wholeModelNote(window, gpt.nLayer()).ifPresent(System.err::println);
            List<KnownFact> traced = limit >= 0 && limit < facts.size() ? facts.subList(0, limit) : facts;
            UnknownWords.noteFor(gpt, traced.stream().map(KnownFact::prompt).toList(), "facts").ifPresent(System.err::println);
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
