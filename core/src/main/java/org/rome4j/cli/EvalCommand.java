package org.rome4j.cli;

import org.rome4j.eval.CounterFactEval;
import org.rome4j.eval.CounterFactRecord;
import org.rome4j.eval.Known1000Benchmark;
import org.rome4j.eval.ZsreEval;
import org.rome4j.io.Outputs;
import org.rome4j.io.RunLock;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;
import org.rome4j.progress.ProgressListener;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rome4j.options.EvalOptions;
import org.rome4j.options.JsonOption;
import org.rome4j.options.ModelOptions;
import org.rome4j.options.OutOption;
import org.rome4j.options.RomeSessionOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eval}: CounterFact or zsRE evaluation (edit, measure, undo per record), resumable. */
@picocli.CommandLine.Command(name = "eval", description = "CounterFact or zsRE evaluation: for each record edit with ROME, measure, "
        + "undo; case_{id}.json per record in OUT (rerun to resume) and a summary table (ES, PS, NS, S, magnitudes, generation "
        + "entropy; zsRE token accuracy).")
final class EvalCommand implements Command {

    @Option(names = "--format", paramLabel = "F", defaultValue = "counterfact", description = "counterfact or zsre")
    String format;

    @Mixin
    OutOption out;

    @Mixin
    EvalOptions eval;

    @Option(names = "--tfidf-vocab", paramLabel = "F", description = "the original's TF-IDF vocabulary, for the consistency metric "
            + "(with --idf and --snippets)")
    Path tfidfVocab;

    @Option(names = "--idf", paramLabel = "F", description = "the original's IDF values (with --tfidf-vocab)")
    Path idf;

    @Option(names = "--snippets", paramLabel = "F", description = "the original's attribute snippets (with --tfidf-vocab)")
    Path snippets;

    @Mixin
    RomeSessionOptions session;

    @Mixin
    ModelOptions model;

    @Mixin
    JsonOption json;

    @Override
    public int run(PrintStream stdout) throws Exception {
        if (eval.namesZsre()) format = "zsre";
        if (!format.equals("counterfact") && !format.equals("zsre")) {
            throw new UsageException("eval: --format must be counterfact or zsre, got " + format);
        }
        Path outDir = out.path();
        Outputs.checkResumable(outDir, d -> {
            try (var s = Files.list(d)) {
                return s.anyMatch(x -> x.getFileName().toString().startsWith("case_") || x.getFileName().toString().equals("run.json"));
            } catch (java.io.IOException e) {
                return false;
            }
        }, "evaluation results (run.json, case_*.json)");
        int limit = eval.limit();
        int genTokens = eval.genTokens();
        boolean reference = tfidfVocab != null || idf != null || snippets != null;
        if (reference && (tfidfVocab == null || idf == null || snippets == null)) {
            throw new UsageException("eval: the consistency metric needs --tfidf-vocab, --idf and --snippets together");
        }
        if (!reference && format.equals("counterfact")) {
            // the files download-data fetched, when all three are in the data folder
            var found = eval.downloadedReference();
            if (found.isPresent()) {
                tfidfVocab = found.get().tfidfVocab();
                idf = found.get().idf();
                snippets = found.get().snippets();
                reference = true;
            }
        }
        Path data = eval.datasetFile(model.folder());
        // every input is read and checked before the model loads and statistics are computed (minutes): a wrong name
        // or a broken file fails at once
        List<ZsreEval.Record> zsre = null;
        List<CounterFactRecord> recs = null;
        if (format.equals("zsre")) {
            if (data == null) throw new UsageException("eval: --format zsre needs --dataset FILE (zsRE JSON) or --dataset zsre");
            zsre = ZsreEval.read(data);
        } else {
            recs = data == null ? CounterFactRecord.readResource(Known1000Benchmark.RESOURCE) : CounterFactRecord.read(data);
        }
        CounterFactEval.Reference ref = reference && recs != null ? CounterFactEval.Reference.read(tfidfVocab, idf, snippets) : null;
        session.check();
        ProgressListener progress = (d, t, m) -> System.err.println("[" + d + "/" + t + "] " + m);
        String model = this.model.source();
        try (Gpt gpt = this.model.load()) {
            RomeHparams hp = session.hparams(model, gpt);
            Rome rome;
            // statistics missing from the cache are computed into it: a second run waits for the first and reuses them
            try (RunLock lock = RunLock.await(KeyStats.defaultCacheDir(), System.err::println)) {
                rome = session.session(model, gpt, hp, false);
            }
            Map<String, Double> pre;
            Map<String, Double> post;
            String table;
            int cases;
            if (format.equals("zsre")) {
                ZsreEval.Result r = new ZsreEval(rome, outDir, limit, progress, CancellationToken.NONE).run(zsre);
                pre = r.pre();
                post = r.post();
                table = r.table().print();
                cases = r.cases().size();
            } else {
                CounterFactEval.Builder b = CounterFactEval.builder(rome).outDir(outDir).limit(limit).optListener(progress)
                        .generationTokens(genTokens);
                if (ref != null) b.reference(ref);
                CounterFactEval.Result r = b.build().run(recs);
                pre = r.pre();
                post = r.post();
                table = r.table().print();
                cases = r.cases().size();
            }
            if (json.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("format", format);
                m.put("cases", cases);
                m.put("pre", pre);
                m.put("post", post);
                m.put("out", outDir.toString());
                Json.print(stdout, m);
            } else {
                stdout.println(table);
            }
            return 0;
        }
    }
}
