package org.rome4j.cli;

import org.rome4j.eval.CounterFactEval;
import org.rome4j.eval.CounterFactRecord;
import org.rome4j.eval.Known1000Benchmark;
import org.rome4j.eval.TfIdf;
import org.rome4j.eval.ZsreEval;
import org.rome4j.io.Outputs;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.progress.CancellationToken;
import org.rome4j.progress.ProgressListener;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code eval}: CounterFact or zsRE evaluation (edit, measure, undo per record), resumable. */
final class EvalCommand implements Command {
    @Override
    public String name() { return "eval"; }

    @Override
    public String usage() {
        return "eval --model M [--dtype f32|bf16|f16] --dataset FILE|known_1000 [--format counterfact|zsre] [--limit N] --out DIR [--hparams F.json] [--layer L] [--fact-token T] "
                + "[--stats F.npz] [--templates F.json] [--gen-tokens N] [--tfidf-vocab F --idf F --snippets F] [--json]";
    }

    @Override
    public String help() {
        return "  --dataset F|known_1000  CounterFact JSON (a list of {\"case_id\", \"requested_rewrite\", ...}) or zsRE JSON (required)\n"
                + "  --format F          counterfact (default) or zsre\n"
                + "  --out DIR           per-case results and the summary; rerunning with the same DIR resumes (required)\n"
                + "  --limit N           at most N records (default: all)\n"
                + "  --gen-tokens N      tokens per generation for the fluency metrics, 0-10000 (default 100)\n"
                + "  --tfidf-vocab F --idf F --snippets F  the original's attribute-snippet files, for the consistency metric\n"
                + RomeSetup.HELP
                + "  --dtype D           weights in memory: f32 (default), bf16 or f16; computed in float32\n"
                + "  --model M           the embedded tiny-facts (default), a model folder in HF layout, or a hub id in the HF cache\n"
                + "  --json              print the result as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Set<String> valued = new java.util.HashSet<>(Set.of("model", "dtype", "dataset", "format", "limit", "out", "gen-tokens",
                "tfidf-vocab", "idf", "snippets"));
        valued.addAll(RomeSetup.VALUED);
        Set<String> flags = new java.util.HashSet<>(Set.of("json"));
        flags.addAll(RomeSetup.FLAGS);
        Args a = Args.parse(name(), argv, valued, flags);
        String model = a.get("model", Models.DEFAULT);
        String dataset = a.require("dataset");
        String format = a.get("format", "counterfact");
        if (!format.equals("counterfact") && !format.equals("zsre")) {
            throw new UsageException("eval: --format must be counterfact or zsre, got " + format);
        }
        Path outDir = Path.of(a.require("out"));
        Outputs.checkResumable(outDir, d -> {
            try (var s = Files.list(d)) {
                return s.anyMatch(x -> x.getFileName().toString().startsWith("case_"));
            } catch (java.io.IOException e) {
                return false;
            }
        }, "evaluation results (case_*.json)");
        int limit = a.getInt("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        ProgressListener progress = (d, t, m) -> System.err.println("[" + d + "/" + t + "] " + m);
        try (Gpt gpt = Models.load(model, a.dtype())) {
            RomeHparams hp = RomeSetup.hparams(a, model, gpt);
            Rome rome = RomeSetup.session(a, model, gpt, hp, false);
            Map<String, Double> pre;
            Map<String, Double> post;
            String table;
            int cases;
            if (format.equals("zsre")) {
                ZsreEval.Result r = new ZsreEval(rome, outDir, limit, progress, CancellationToken.NONE).run(ZsreEval.read(Path.of(dataset)));
                pre = r.pre();
                post = r.post();
                table = r.table().print();
                cases = r.cases().size();
            } else {
                List<CounterFactRecord> recs = dataset.equals("known_1000")
                        ? CounterFactRecord.readResource(Known1000Benchmark.RESOURCE) : CounterFactRecord.read(Path.of(dataset));
                CounterFactEval.Builder b = CounterFactEval.builder(rome).outDir(outDir).limit(limit).optListener(progress)
                        .generationTokens(a.getInt("gen-tokens", 100, 0, 10000));
                if (a.has("tfidf-vocab") || a.has("idf") || a.has("snippets")) {
                    b.reference(TfIdf.read(Path.of(a.require("tfidf-vocab")), Path.of(a.require("idf"))), Path.of(a.require("snippets")));
                }
                CounterFactEval.Result r = b.build().run(recs);
                pre = r.pre();
                post = r.post();
                table = r.table().print();
                cases = r.cases().size();
            }
            if (a.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("format", format);
                m.put("cases", cases);
                m.put("pre", pre);
                m.put("post", post);
                m.put("out", outDir.toString());
                Json.print(out, m);
            } else {
                out.println(table);
            }
            return 0;
        }
    }
}
