package org.rome4j.cli;

import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.io.Outputs;
import org.rome4j.model.Gpt;
import org.rome4j.model.UnknownWords;
import org.rome4j.options.CorruptionOptions;
import org.rome4j.options.FactsOption;
import org.rome4j.options.LimitOption;
import org.rome4j.options.JsonOption;
import org.rome4j.options.ModelOptions;
import org.rome4j.options.OutOption;
import org.rome4j.trace.DatasetResult;
import org.rome4j.trace.DatasetTrace;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code trace-dataset}: causal traces of every known fact of a file, averaged (paper Fig. 2). Writes
 * {@code aggregate.json}, {@code averages.csv}, {@code summary.csv}, {@code wrong.csv} and Plotly
 * figures ({@code figures/*.json}) to the output folder, and caches each fact in
 * {@code cases/}, so a second run resumes.
 */
@picocli.CommandLine.Command(name = "trace-dataset", description = "Paper Fig. 2: traces every fact the model knows (all three "
        + "kinds), caches each fact in OUT/cases (rerun to resume), and writes the average indirect effects by token role x layer "
        + "(averages.csv, summary.csv, aggregate.json, figures).")
final class TraceDatasetCommand implements Command {
    @Mixin
    FactsOption facts;

    @Mixin
    OutOption out;

    @Mixin
    LimitOption limit;

    @Mixin
    CorruptionOptions corruption;

    @Option(names = "--quiet", description = "no progress lines")
    boolean quiet;

    @Mixin
    ModelOptions model;

    @Mixin
    JsonOption json;

    @Override
    public int run(PrintStream stdout) throws Exception {
        Path dir = out.path();
        Outputs.checkResumable(dir, d -> Files.isRegularFile(d.resolve("config.json")) && Files.isDirectory(d.resolve("cases")),
                "trace-dataset results (config.json, cases/)");
        int limit = this.limit.limit(-1);
        corruption.fixedWindow();   // checked before the model loads
        int samples = corruption.samples();
        List<KnownFact> given = this.facts.readGiven();
        try (Gpt gpt = model.load()) {
            List<KnownFact> facts = FactsOption.orModels(given, gpt);
            int window = corruption.window(gpt.nLayer());
            org.rome4j.trace.Kind.wholeModelNote(window, gpt.nLayer()).ifPresent(System.err::println);
            List<KnownFact> traced = limit >= 0 && limit < facts.size() ? facts.subList(0, limit) : facts;
            UnknownWords.noteFor(gpt, traced.stream().map(KnownFact::prompt).toList(), "facts").ifPresent(System.err::println);
            long t0 = System.nanoTime();
            DatasetResult r = DatasetTrace.builder(gpt).setFacts(facts).optLimit(limit).optWindow(window).optSamples(samples)
                    .optNoise(corruption.noise()).optCacheDir(dir)
                    .optListener((done, total, msg) -> {
                        if (!quiet) System.err.printf("[%d/%d] %s%n", done, total, msg);
                    })
                    .build().run();
            r.writeTo(dir);
            if (json.json()) {
                Json.print(stdout, r.toMap());
            } else {
                stdout.print(r.report((System.nanoTime() - t0) / 1e9));
                stdout.println("tables and figures in " + dir);
            }
            return 0;
        }
    }
}
