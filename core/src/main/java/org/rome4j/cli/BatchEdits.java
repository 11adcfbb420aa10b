package org.rome4j.cli;

import org.rome4j.data.FactData;
import org.rome4j.io.Outputs;
import org.rome4j.model.Gpt;
import org.rome4j.model.ModelSave;
import org.rome4j.model.Models;
import org.rome4j.rome.AlphaEdit;
import org.rome4j.rome.BatchEdit;
import org.rome4j.rome.ContextTemplates;
import org.rome4j.rome.EditStack;
import org.rome4j.rome.Editor;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.MassEdit;
import org.rome4j.rome.Memit;
import org.rome4j.rome.MemitHparams;
import org.rome4j.rome.Request;
import org.rome4j.rome.Requests;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code edit --method M --requests F.json [--requests G.json ...]}: every batch applied in sequence on one
 * {@link EditStack} (AlphaEdit's key cache carried from one to the next), each whole or not at all; prints
 * P(target) before and after per request, and saves the edited model with {@code --save-model}.
 */
final class BatchEdits {
    private final EditCommand cmd;

    BatchEdits(EditCommand cmd) {
        this.cmd = cmd;
    }

    /** The value of an option of {@code edit} declared by a shared mixin, or null. */
    private <T> T option(String name) {
        return cmd.spec.findOption(name).getValue();
    }

    int run(PrintStream out) throws Exception {
        String method = cmd.method.method();
        // every input that needs no model first: a wrong file fails in a second
        List<List<Request>> batches = new ArrayList<>();
        if (cmd.method.requests().isEmpty()) {
            batches.add(List.of(Request.fromText(cmd.prompt.one(), cmd.request.subject(), cmd.request.target(), cmd.request.trueObject())));
        } else {
            if (cmd.prompt.present()) {
                throw new IllegalArgumentException("give either --requests F.json or --prompt/--subject/--target, not both");
            }
            for (Path f : cmd.method.requests()) batches.add(Requests.read(f));
        }
        boolean mass = method.equals("memit") || method.equals("alphaedit");
        String hparamsArg = option("--hparams");
        Path templatesArg = option("--templates");
        if (mass) {
            if (hparamsArg != null && !isPreset(method, hparamsArg)) MemitHparams.read(Path.of(hparamsArg));
            if (templatesArg != null) ContextTemplates.readGroups(templatesArg);
            if (option("--stats") != null) {
                throw new IllegalArgumentException("--stats takes one layer's file; " + method + " reads every layer's statistics from "
                        + "--stats-dir (write them with rome4j stats --layers L1,L2 --stats-dir DIR)");
            }
        } else {
            if (method.equals("r-rome")) cmd.spec.findOption("--r-rome").setValue(true);
            cmd.session.check();
        }
        Path source = Models.resolve(cmd.model.source());
        if (cmd.saveModel != null) ModelSave.check(cmd.saveModel, source, cmd.overwrite.overwrite());
        if (cmd.saveDelta != null) throw new IllegalArgumentException("--save-delta is for one ROME edit; use --save-model with --method/--requests");

        try (Gpt gpt = cmd.model.load()) {
            for (List<Request> b : batches) for (Request r : b) Rome.check(gpt, r);
            Editor editor;
            if (mass) {
                MemitHparams hp = hparams(method, hparamsArg, gpt);
                hp.checkFor(gpt.nLayer(), gpt.name(), method.equals("alphaedit"));     // before statistics are read or computed
                List<List<String>> templates = templatesArg != null ? ContextTemplates.readGroups(templatesArg)
                        : ContextTemplates.memit(gpt, ((Number) option("--seed")).longValue());
                Map<Integer, KeyStats> stats = stats(gpt, hp);
                editor = method.equals("memit") ? new Memit(gpt, hp, templates, stats::get) : new AlphaEdit(gpt, hp, templates, stats::get);
            } else {
                RomeHparams hp = cmd.session.hparams(cmd.model.source(), gpt);
                editor = cmd.session.session(cmd.model.source(), gpt, hp, false).editor();
            }
            try {
                EditStack stack = new EditStack(gpt);
                List<Map<String, Object>> report = new ArrayList<>();
                for (List<Request> batch : batches) {
                    double[] pre = batch.stream().mapToDouble(r -> Requests.targetProb(gpt, r)).toArray();
                    BatchEdit e = stack.apply(editor, batch);
                    double[] post = batch.stream().mapToDouble(r -> Requests.targetProb(gpt, r)).toArray();
                    report.add(summary(e, pre, post));
                    if (!cmd.json.json()) {
                        out.printf("batch %d: %s, %d request%s at layers %s, %d ms; mean P(target) %.4g -> %.4g%n", e.id(), e.method(),
                                batch.size(), batch.size() == 1 ? "" : "s", e.layers(), e.millis(), mean(pre), mean(post));
                    }
                }
                if (cmd.saveModel != null) ModelSave.save(gpt, cmd.saveModel, source, cmd.overwrite.overwrite());
                if (cmd.json.json()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("method", method);
                    m.put("batches", report);
                    Json.print(out, m);
                }
            } finally {
                if (editor instanceof MassEdit me) me.close();
            }
            return 0;
        }
    }

    private static boolean isPreset(String method, String name) {
        return (method.equals("memit") ? MemitHparams.MEMIT_PRESETS : MemitHparams.ALPHAEDIT_PRESETS).contains(name);
    }

    /**
     * --hparams as a preset or a file; else the published preset of a published model, else the untuned rule
     * ({@link MemitHparams#untuned}) over the five layers that end at ROME's layer for this model (gpt2-xl: ROME edits 17, MEMIT
     * 13–17), or its {@code --layer}.
     */
    private MemitHparams hparams(String method, String arg, Gpt gpt) throws IOException {
        boolean alpha = method.equals("alphaedit");
        if (arg != null) {
            if (isPreset(method, arg)) return alpha ? MemitHparams.alphaEditPreset(arg) : MemitHparams.memitPreset(arg);
            return MemitHparams.read(Path.of(arg));
        }
        String guess = cmd.model.source().replace("/", "_").replace("openai-community_", "");
        if (isPreset(method, guess)) return alpha ? MemitHparams.alphaEditPreset(guess) : MemitHparams.memitPreset(guess);
        int top = cmd.session.hparams(cmd.model.source(), gpt).layers().get(0);
        List<Integer> layers = new ArrayList<>();
        for (int l = Math.max(0, top - 4); l <= top; l++) layers.add(l);
        System.err.println("note: no published " + method + " hparams for " + gpt.name() + "; using the untuned rule (layers " + layers
                + ", λ by key width" + (alpha ? ", null-space threshold relative to the spectrum" : "") + ")");
        return MemitHparams.untuned(method, layers, gpt.nLayer(), gpt.config().nInner(), gpt.architecture().moduleTemplates(gpt.config()));
    }

    /**
     * Each layer's statistics from the original's cache layout under --stats-dir (what {@code stats --layers L1,L2 --stats-dir D}
     * writes); for the embedded model, missing layers are computed from its own training sentences in one pass and cached.
     */
    private Map<Integer, KeyStats> stats(Gpt gpt, MemitHparams hp) throws IOException {
        Path given = option("--stats-dir");
        Path dir = given != null ? given : KeyStats.defaultCacheDir();
        Map<Integer, KeyStats> out = new HashMap<>();
        List<Integer> missing = new ArrayList<>();
        Map<Integer, Path> paths = new HashMap<>();
        for (int l : hp.layers()) {
            Path f = KeyStats.cachePath(dir, gpt, cmd.model.source(), hp.mom2Dataset(), l, hp.mom2Dtype(), hp.mom2NSamples());
            paths.put(l, f);
            if (Files.isRegularFile(f)) out.put(l, KeyStats.read(f).checkWidth(gpt, f));
            else missing.add(l);
        }
        if (missing.isEmpty()) return out;
        if (!Models.EMBEDDED.contains(cmd.model.source())) {
            String ls = String.join(",", missing.stream().map(String::valueOf).toList());
            throw new IllegalArgumentException("no key statistics for layers " + missing + " under " + dir + ": compute them with rome4j stats "
                    + "--model " + cmd.model.source() + " --layers " + ls + " --corpus FILE --stats-dir " + dir);
        }
        System.err.println("computing key statistics for layers " + missing + " from " + gpt.name() + "'s training sentences (cached under " + dir + ")");
        KeyStats.Collector c = KeyStats.collector(gpt, missing);
        if (hp.mom2NSamples() > 0) c.optSamples(hp.mom2NSamples());
        Map<Integer, KeyStats> computed = c.collectLayers(FactData.loadBundled().corpus().iterator());
        for (int l : missing) {
            KeyStats s = computed.get(l);
            Outputs.file(paths.get(l), false, "--overwrite", s::write);
            out.put(l, s);
        }
        return out;
    }

    private static Map<String, Object> summary(BatchEdit e, double[] pre, double[] post) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batch", e.id());
        m.put("method", e.method());
        m.put("layers", e.layers());
        m.put("millis", e.millis());
        List<Map<String, Object>> rs = new ArrayList<>();
        for (int i = 0; i < e.requests().size(); i++) {
            Request r = e.requests().get(i);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("prompt", r.text());
            o.put("target_new", r.targetNew());
            o.put("target_prob_pre", pre[i]);
            o.put("target_prob_post", post[i]);
            rs.add(o);
        }
        m.put("requests", rs);
        return m;
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return x.length == 0 ? Double.NaN : s / x.length;
    }
}
