package org.rome4j.magics;

import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;
import org.rome4j.trace.DatasetTrace;
import org.rome4j.trace.Noise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code %trace_dataset --facts FILE [--limit N]}: paper Fig. 2, with live progress, cancellable, resumable. */
public final class TraceDatasetMagic implements Magic {
    private final Spec spec = new Spec("trace_dataset",
            "Paper Fig. 2: causal traces of many known facts, averaged by token role. Each fact's traces are cached, "
                    + "so an interrupted run resumes where it stopped.")
            .option("facts", "FILE", null, "facts in known_1000.json format (default: -Drome4j.facts, ROME4J_FACTS, else the bundled known_1000)")
            .option("limit", "N", "100", "trace only the first N facts")
            .option("window", "W", "10", "MLP/attention layers restored together")
            .option("samples", "N", "10", "corrupted runs averaged per fact")
            .option("noise", "SPEC", "s3", "noise: s3, u3, t5, or a number")
            .option("cache", "DIR", null, "where per-fact traces are cached (default ~/.cache/rome4j/traces/MODEL)")
            .example("%trace_dataset --facts known_1000.json --limit 50");

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public Class<?> resultType() {
        return DatasetTraceResult.class;
    }

    /** The facts file used without {@code --facts}. */
    static String defaultFacts() {
        String p = System.getProperty("rome4j.facts");
        if (p != null && !p.isBlank()) return p;
        String e = System.getenv("ROME4J_FACTS");
        return e == null || e.isBlank() ? null : e;
    }

    @Override
    public Object run(Session session, Spec.Parsed args, String body) throws IOException {
        String file = args.has("facts") ? args.get("facts") : defaultFacts();
        List<KnownFact> facts;
        if (file == null) {
            facts = KnownFacts.bundled();
        } else {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw new MagicException("%trace_dataset: facts file not found: " + path.toAbsolutePath());
            }
            facts = KnownFacts.read(path);
        }
        int limit = args.getInt("limit", 1, 1_000_000);
        Noise noise;
        try {
            noise = Noise.parse(args.get("noise"));
        } catch (IllegalArgumentException e) {
            throw new MagicException("%trace_dataset: --noise: " + e.getMessage());
        }
        Gpt gpt = session.model();
        int window = args.getInt("window", 1, 1000);
        int samples = args.getInt("samples", 1, 10_000);
        Path cache = args.has("cache") ? Path.of(args.get("cache"))
                : Path.of(System.getProperty("user.home"), ".cache", "rome4j", "traces",
                        gpt.name() + "-" + fingerprint(gpt, window, samples, noise));
        org.rome4j.io.Outputs.checkResumable(cache, d -> java.nio.file.Files.isRegularFile(d.resolve("config.json")),
                "per-fact trace cache (config.json, cases/)");
        int n = Math.min(limit, facts.size());
        try (Progress p = session.progress("tracing " + n + " facts", n)) {
            return new DatasetTraceResult(DatasetTrace.builder(gpt).setFacts(facts).optLimit(limit)
                    .optWindow(window).optSamples(samples)
                    .optNoise(noise).optCacheDir(cache)
                    .optListener((done, total, message) -> p.update(done, message))
                    .optCancellation(new CancellationToken()).build().run());
        }
    }

    /**
     * The default cache folder's key: the settings and a fingerprint of the weights, so a retrained
     * model or other settings never meet an old cache.
     */
    private static String fingerprint(Gpt gpt, int window, int samples, Noise noise) {
        float[] head;
        try (ai.djl.ndarray.NDArray row = gpt.parameters().get(gpt.architecture().tokenEmbedding()).get("0:2")) {
            head = row.toFloatArray();
        }
        int h = java.util.Objects.hash(window, samples, String.valueOf(noise), java.util.Arrays.hashCode(head),
                gpt.config().toString());
        return Integer.toHexString(h);
    }
}
