package org.rome4j.magics;

import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;
import org.rome4j.trace.DatasetTrace;
import org.rome4j.trace.Noise;

import org.rome4j.options.CorruptionOptions;
import org.rome4j.options.LimitOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code %trace_dataset --facts FILE [--limit N]}: paper Fig. 2, with live progress, cancellable, resumable. */
public final class TraceDatasetMagic implements Magic<TraceDatasetMagic.Options> {
    /** The declaration: the facts, the {@link CorruptionOptions} {@code rome4j trace-dataset} has, and the cache. */
    @Command(name = "trace_dataset", description = "Paper Fig. 2: causal traces of many known facts, averaged by token role. Each "
            + "fact's traces are cached, so an interrupted run resumes where it stopped.", footerHeading = "%nexamples:%n",
            footer = "  %%trace_dataset --facts known_1000.json --limit 50")
    public static final class Options {
        @Option(names = "--facts", paramLabel = "FILE", description = "facts in known_1000.json format "
                + "(default: -Drome4j.facts, ROME4J_FACTS, else the model's own facts.json where it ships one, else the bundled known_1000)")
        Path facts;

        @Mixin
        LimitOption limit = new LimitOption(100);

        @Mixin
        CorruptionOptions corruption;

        @Option(names = "--cache", paramLabel = "DIR", description = "where per-fact traces are cached (default $ROME4J_CACHE/traces/MODEL, else ~/.cache/rome4j/traces/MODEL)")
        Path cache;
    }

    @Override
    public Options options() {
        return new Options();
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
    public Object run(Session session, Options o, String body) throws IOException {
        String file = o.facts != null ? o.facts.toString() : defaultFacts();
        List<KnownFact> facts = null;
        if (file != null) {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw new MagicException("%trace_dataset: facts file not found: " + path.toAbsolutePath());
            }
            facts = KnownFacts.read(path);
        }
        int limit = o.limit.limit(Integer.MAX_VALUE);
        Noise noise = o.corruption.noise();
        o.corruption.fixedWindow();
        Gpt gpt = session.model();
        facts = org.rome4j.options.FactsOption.orModels(facts, gpt);   // none given: the model's own, else known_1000
        int window = o.corruption.window(gpt.nLayer());
        int samples = o.corruption.samples();
        Path cache = o.cache != null ? o.cache
                : org.rome4j.io.CacheDirs.rome4j("traces").resolve(
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
