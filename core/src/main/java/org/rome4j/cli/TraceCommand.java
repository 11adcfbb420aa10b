package org.rome4j.cli;

import org.rome4j.model.Gpt;
import org.rome4j.model.UnknownWords;
import org.rome4j.options.Declared;
import org.rome4j.options.JsonOption;
import org.rome4j.options.ModelOptions;
import org.rome4j.options.PromptOption;
import org.rome4j.options.TraceOptions;
import org.rome4j.trace.CausalTrace;
import org.rome4j.trace.Kind;
import org.rome4j.trace.Noise;
import org.rome4j.trace.TraceResult;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code trace}: causal tracing of one fact (paper Fig. 1; Fig. 3 with {@code --frozen}). */
@picocli.CommandLine.Command(name = "trace", description = "Causal tracing of one fact (paper Fig. 1): corrupt the subject's "
        + "embeddings, restore one state at a time, and print how much of the answer's probability each restored state brings back. "
        + "With --kind all (the default) the three kinds share the clean and corrupted runs; --json then prints a list of three results.")
final class TraceCommand implements Command {
    @Mixin
    PromptOption prompt;

    @Mixin
    TraceOptions trace;

    @Option(names = "--noise-file", paramLabel = "F.npy", description = "standard-normal draws [samples, subject tokens, width] "
            + "instead of random ones (the golden's *_noise_randn_f64.npy)")
    Path noiseFile;

    @Option(names = "--replace", description = "replace the subject embeddings by noise instead of adding it")
    boolean replace;

    @Option(names = "--tokens", paramLabel = "T", defaultValue = "all", description = "which tokens are restored: all or last_subject")
    String tokens;

    @Option(names = "--frozen", paramLabel = "K", description = "mlp or attn: sever that path (paper Fig. 3; traces resid)")
    String frozen;

    @Option(names = "--max-rows", paramLabel = "N", defaultValue = "256", description = "rows per batched forward pass")
    int maxRows;

    @Mixin
    ModelOptions model;

    @Mixin
    JsonOption json;

    @Override
    public int run(PrintStream out) throws Exception {
        String prompt = this.prompt.one();
        String subject = trace.subject();
        trace.corruption().fixedWindow();   // checked before the model loads
        int samples = trace.corruption().samples();
        Noise noise = trace.corruption().noise();
        if (replace) noise = noise.replacing();
        if (noiseFile != null) {
            if (!Files.isRegularFile(noiseFile)) {
                throw new UsageException("trace: noise file " + noiseFile + " not found; pass a .npy of standard-normal draws "
                        + "[samples, subject tokens, width]");
            }
            noise = noise.withDrawsFile(noiseFile);
        }
        int maxRows = Declared.range("--max-rows", this.maxRows, 1, 1 << 20);
        CausalTrace.TokenRange range = CausalTrace.TokenRange.parse(tokens);
        Kind frozenKind = frozen == null ? null : Kind.parse(frozen);
        if (frozenKind == Kind.RESID) throw new UsageException("trace: --frozen takes mlp or attn");
        List<Kind> kinds = trace.kinds();
        if (frozenKind != null) {
            if (!trace.allKinds() && kinds.get(0) != Kind.RESID) {
                throw new UsageException("trace: --frozen restores states; drop --kind or use --kind resid");
            }
            kinds = List.of(Kind.RESID);
        }
        try (Gpt gpt = model.load()) {
            int window = trace.corruption().window(gpt.nLayer());
            UnknownWords.note(gpt, prompt, subject, trace.expect()).ifPresent(System.err::println);
            CausalTrace.Builder b = CausalTrace.builder(gpt).setPrompt(prompt).setSubject(subject)
                    .optWindow(window).optSamples(samples).optNoise(noise).optTokenRange(range).optFrozen(frozenKind)
                    .optMaxRows(maxRows);
            if (trace.expect() != null) b.optExpect(trace.expect());
            List<TraceResult> results = b.build().run(kinds);   // one clean and corrupted baseline for every kind, as %trace
            if (kinds.stream().anyMatch(k -> k != Kind.RESID) || frozenKind != null) {
                Kind.wholeModelNote(window, gpt.nLayer()).ifPresent(System.err::println);   // after the run: errors stay one line
            }
            if (json.json()) {
                List<Map<String, Object>> maps = results.stream().map(TraceResult::toMap).toList();
                Json.print(out, maps.size() == 1 ? maps.get(0) : maps);
            } else {
                for (TraceResult r : results) print(out, r);
            }
            return 0;
        }
    }

    private static void print(PrintStream out, TraceResult r) {
        out.printf("%s: \"%s\" -> \"%s\" p=%.4f (corrupted %.4f), kind %s%s%s, noise %s%n", r.model(), r.prompt(), r.answer(),
                r.highScore(), r.lowScore(), r.kind(), r.kind() == Kind.RESID ? "" : " window " + r.window(),
                r.frozen() == null ? "" : ", " + r.frozen() + " frozen", r.noise());
        if (r.correct() != null && !r.correct()) {
            out.printf("note: the model predicts \"%s\", not the expected \"%s\"%n", r.answer().strip(), r.expected());
        }
        StringBuilder head = new StringBuilder(String.format("%-18s", "token \\ layer"));
        for (int l = 0; l < r.layers(); l++) head.append(String.format("%8d", l));
        out.println(head);
        List<String> labels = r.labels();
        for (int i = 0; i < labels.size(); i++) {
            StringBuilder line = new StringBuilder(String.format("%-18s", labels.get(i)));
            for (int l = 0; l < r.layers(); l++) line.append(String.format("%8.4f", r.score(i, l)));
            out.println(line);
        }
    }
}
