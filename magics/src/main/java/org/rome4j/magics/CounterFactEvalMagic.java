package org.rome4j.magics;

import org.rome4j.eval.CounterFactEval;
import org.rome4j.eval.CounterFactRecord;
import org.rome4j.eval.Known1000Benchmark;
import org.rome4j.model.Gpt;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import org.rome4j.options.EvalOptions;
import org.rome4j.options.HparamOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code %counterfact_eval [--dataset F|known_1000] [--limit N]}: the CounterFact evaluation (edit, measure,
 * undo per record) on the current model with the session's ROME settings, live progress, cancellable.
 */
public final class CounterFactEvalMagic implements Magic<CounterFactEvalMagic.Options> {
    /** The declaration: the dataset and how much of it, the {@link HparamOptions} {@code rome4j eval} has, and a results folder. */
    @Command(name = "counterfact_eval", description = "CounterFact evaluation: for each record edit the model with ROME, measure "
            + "efficacy (ES), paraphrase (PS) and neighborhood (NS) scores, magnitudes and generation entropy, then undo. Shows pre "
            + "and post summaries.", footerHeading = "%nexamples:%n", footer = "  %%counterfact_eval --limit 3")
    public static final class Options {
        @Mixin
        EvalOptions eval = new EvalOptions(5, 20);

        @Mixin
        HparamOptions hparams;

        @Option(names = "--out", paramLabel = "DIR", description = "where per-case results are written (an interrupted run resumes from them)")
        Path out;
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public Class<?> resultType() {
        return CounterFactResult.class;
    }

    /** The records of {@code f}, or of the shipped known_1000 benchmark when it is null. */
    static List<CounterFactRecord> records(Path f) throws IOException {
        if (f == null) {
            return CounterFactRecord.readResource(Known1000Benchmark.RESOURCE);
        }
        if (!Files.isRegularFile(f)) {
            throw new MagicException("%counterfact_eval: dataset not found: " + f.toAbsolutePath() + " (a file, or known_1000)");
        }
        return CounterFactRecord.read(f);
    }

    @Override
    public Object run(Session session, Options o, String body) throws IOException {
        Gpt gpt = session.model();
        // without --dataset, the records of the model's own facts where its folder ships them (tiny-biographies)
        java.util.Optional<Path> own = gpt.shipped("counterfact.json");
        Path file = o.eval.datasetFile(own.map(Path::getParent).orElse(null));
        String dataset = own.isPresent() && own.get().equals(file) ? gpt.name() + "'s counterfact.json" : o.eval.dataset();
        List<CounterFactRecord> records = records(file);
        int limit = o.eval.limit();
        int tokens = o.eval.genTokens();
        RomeHparams hp = o.hparams.resolve(gpt.name(), gpt);
        Rome rome = session.editing().rome(session, gpt, hp);
        int n = Math.min(limit, records.size());
        try (Progress p = session.progress("CounterFact: " + n + " cases", n)) {
            CounterFactEval.Builder b = CounterFactEval.builder(rome).limit(limit).generationTokens(tokens)
                    .optListener(p)
                    .optCancellation(new org.rome4j.progress.CancellationToken());   // checks the thread's interrupt
            var ref = o.eval.downloadedReference();   // RS when download-data fetched the snippets and TF-IDF files
            if (ref.isPresent()) b.reference(CounterFactEval.Reference.read(ref.get().tfidfVocab(), ref.get().idf(), ref.get().snippets()));
            if (o.out != null) {
                org.rome4j.io.Outputs.checkResumable(o.out, d -> {
                    try (var files = java.nio.file.Files.list(d)) {
                        return files.anyMatch(x -> x.getFileName().toString().startsWith("case_"));
                    } catch (IOException e) {
                        return false;
                    }
                }, "evaluation results (case_*.json)");
                b.outDir(o.out);
            }
            return new CounterFactResult(b.build().run(records), dataset);
        }
    }
}
