package org.rome4j.cli;

import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.model.UnknownWords;
import org.rome4j.options.Declared;
import org.rome4j.options.TraceOptions;
import org.rome4j.trace.CausalTrace;
import org.rome4j.trace.Kind;
import org.rome4j.trace.Noise;
import org.rome4j.trace.TraceResult;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code trace}: causal tracing of one fact (paper Fig. 1; Fig. 3 with {@code --frozen}). */
final class TraceCommand implements Command {
    @Override
    public String name() { return "trace"; }

    @Override
    public String usage() {
        return "trace --model M [--dtype f32|bf16|f16] --prompt P --subject S [--kind resid|mlp|attn] [--window W] [--samples N] "
                + "[--noise 0.1|s3|u3|t5] [--noise-file F.npy] [--replace] [--tokens all|last_subject] [--expect O] "
                + "[--frozen mlp|attn] [--json]";
    }

    @Override
    public String help() {
        return "  --prompt P          the prompt, containing the subject (required)\n"
                + "  --subject S         the subject, as it appears in the prompt (required)\n"
                + Declared.helpLines(TraceOptions.forCli())
                + "  --noise-file F.npy  standard-normal draws [samples, subject tokens, width] instead of random ones\n"
                + "  --replace           replace the subject embeddings by noise instead of adding it\n"
                + "  --tokens T          all (default) or last_subject: which tokens are restored\n"
                + "  --frozen K          mlp or attn: sever that path (paper Fig. 3)\n"
                + "  --max-rows N        rows per batched forward pass (default 256)\n"
                + "  --dtype D           weights in memory: f32 (default), bf16 or f16; computed in float32\n"
                + "  --model M           the embedded tiny-facts (default), a model folder in HF layout, or a hub id in the HF cache\n"
                + "  --json              print the result as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Set<String> valued = new java.util.HashSet<>(Set.of("model", "dtype", "prompt", "subject", "noise-file", "tokens", "frozen", "max-rows"));
        valued.addAll(Declared.names(TraceOptions.forCli(), false));
        Args a = Args.parse(name(), argv, valued, Set.of("json", "replace"));
        String prompt = a.get("prompt", "");
        if (prompt.isEmpty()) throw new UsageException("trace: empty prompt; pass --prompt with text that contains the subject");
        String subject = a.require("subject");
        TraceOptions t = parse(() -> Declared.from(TraceOptions.forCli(), a::has, n -> a.get(n, null)));
        int window = parse(t.corruption()::window);
        int samples = parse(t.corruption()::samples);
        if (t.kinds().size() > 1) throw new UsageException("trace: --kind all is the notebook's triptych; the CLI traces one kind a run: resid, mlp or attn");
        Kind kind = t.kinds().get(0);
        Noise noise = t.corruption().noise();
        if (a.has("replace")) noise = noise.replacing();
        if (a.has("noise-file")) {
            Path f = Path.of(a.get("noise-file", ""));
            if (!Files.isRegularFile(f)) {
                throw new UsageException("trace: noise file " + f + " not found; pass a .npy of standard-normal draws "
                        + "[samples, subject tokens, width]");
            }
            noise = noise.withDrawsFile(f);
        }
        CausalTrace.TokenRange range = parse(() -> CausalTrace.TokenRange.parse(a.get("tokens", "all")));
        Kind frozen = a.has("frozen") ? parse(() -> Kind.parse(a.get("frozen", ""))) : null;
        if (frozen == Kind.RESID) throw new UsageException("trace: --frozen takes mlp or attn");
        if (frozen != null && kind != Kind.RESID) {
            throw new UsageException("trace: --frozen restores states; drop --kind or use --kind resid");
        }
        try (Gpt gpt = Models.load(a.get("model", Models.DEFAULT), a.dtype())) {
            UnknownWords.note(gpt, prompt, subject, t.expect()).ifPresent(System.err::println);
            if (kind != Kind.RESID || frozen != null) Kind.wholeModelNote(window, gpt.nLayer()).ifPresent(System.err::println);
            CausalTrace.Builder b = CausalTrace.builder(gpt).setPrompt(prompt).setSubject(subject).optKind(kind)
                    .optWindow(window).optSamples(samples).optNoise(noise).optTokenRange(range).optFrozen(frozen)
                    .optMaxRows(a.getInt("max-rows", 256, 1, 1 << 20));
            if (t.expect() != null) b.optExpect(t.expect());
            TraceResult r = b.build().run();
            if (a.json()) {
                Json.print(out, r.toMap());
            } else {
                print(out, r);
            }
            return 0;
        }
    }

    private static <T> T parse(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException("trace: " + e.getMessage());
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
        java.util.List<String> labels = r.labels();
        for (int i = 0; i < labels.size(); i++) {
            StringBuilder line = new StringBuilder(String.format("%-18s", labels.get(i)));
            for (int l = 0; l < r.layers(); l++) line.append(String.format("%8.4f", r.score(i, l)));
            out.println(line);
        }
    }
}
