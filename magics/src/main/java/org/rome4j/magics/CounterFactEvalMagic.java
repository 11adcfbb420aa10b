package org.rome4j.magics;

import org.rome4j.eval.CounterFactEval;
import org.rome4j.eval.CounterFactRecord;
import org.rome4j.eval.Known1000Benchmark;
import org.rome4j.model.Gpt;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code %counterfact_eval [--dataset F|known_1000] [--limit N]}: the CounterFact evaluation (edit, measure,
 * undo per record) on the current model with the session's ROME settings, live progress, cancellable.
 */
public final class CounterFactEvalMagic implements Magic {
    private final Spec spec = new Spec("counterfact_eval",
            "CounterFact evaluation: for each record edit the model with ROME, measure efficacy (ES), paraphrase (PS) and "
                    + "neighborhood (NS) scores, magnitudes and generation entropy, then undo. Shows pre and post summaries.")
            .option("dataset", "F", "known_1000", "CounterFact JSON file, or known_1000 (the bundled benchmark built from known_1000)")
            .option("limit", "N", "5", "evaluate only the first N records")
            .option("tokens", "N", "20", "new tokens per generation-entropy text (0 skips generation)")
            .with(RomeMagics::romeOptions)
            .option("out", "DIR", null, "where per-case results are written (an interrupted run resumes from them)")
            .example("%counterfact_eval --limit 3");

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public Class<?> resultType() {
        return CounterFactResult.class;
    }

    static List<CounterFactRecord> records(String dataset) throws IOException {
        if (dataset.equals("known_1000")) {
            return CounterFactRecord.readResource(Known1000Benchmark.RESOURCE);
        }
        Path f = Path.of(dataset);
        if (!Files.isRegularFile(f)) {
            throw new MagicException("%counterfact_eval: dataset not found: " + f.toAbsolutePath() + " (a file, or known_1000)");
        }
        return CounterFactRecord.read(f);
    }

    @Override
    public Object run(Session session, Spec.Parsed a, String body) throws IOException {
        String dataset = a.get("dataset");
        List<CounterFactRecord> records = records(dataset);
        int limit = a.getInt("limit", 1, 1_000_000);
        int tokens = a.getInt("tokens", 0, 10_000);
        Gpt gpt = session.model();
        RomeHparams hp = RomeMagics.hparams("%counterfact_eval", gpt, a);
        Rome rome = session.editing().rome(session, gpt, hp);
        int n = Math.min(limit, records.size());
        try (Progress p = session.progress("CounterFact: " + n + " cases", n)) {
            CounterFactEval.Builder b = CounterFactEval.builder(rome).limit(limit).generationTokens(tokens)
                    .optListener(p)
                    .optCancellation(new org.rome4j.progress.CancellationToken());   // checks the thread's interrupt
            if (a.has("out")) {
                org.rome4j.io.Outputs.checkResumable(Path.of(a.get("out")), d -> {
                    try (var files = java.nio.file.Files.list(d)) {
                        return files.anyMatch(x -> x.getFileName().toString().startsWith("case_"));
                    } catch (IOException e) {
                        return false;
                    }
                }, "evaluation results (case_*.json)");
                b.outDir(Path.of(a.get("out")));
            }
            return new CounterFactResult(b.build().run(records), dataset);
        }
    }
}
