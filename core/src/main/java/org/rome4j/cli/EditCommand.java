package org.rome4j.cli;

import org.rome4j.io.Npy;
import org.rome4j.io.Outputs;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.model.UnknownWords;
import org.rome4j.rome.Edit;
import org.rome4j.rome.Request;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;
import org.rome4j.rome.Update;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code edit}: one ROME edit, reported as JSON (u, v, norms, predictions before and after). */
final class EditCommand implements Command {
    @Override
    public String name() { return "edit"; }

    @Override
    public String usage() {
        return "edit --model M [--dtype f32|bf16|f16] --prompt \"{} plays the sport of\" --subject S --target T [--true T] [--hparams F.json] "
                + "[--stats F.npz] [--templates F.json] [--layer L] [--fact-token T] [--r-rome] [--save-delta F.npy] [--save-model DIR] [--overwrite] [--json]";
    }

    @Override
    public String help() {
        return "  --prompt P          the prompt with {} for the subject, e.g. \"{} plays the sport of\" (required)\n"
                + "  --subject S         the subject (required)\n"
                + "  --target T          the new object (required)\n"
                + "  --true T            the current object, to report its probability\n"
                + RomeSetup.HELP
                + "  --save-delta F.npy  write the rank-one update u v^T (float32 .npy)\n"
                + "  --save-model DIR    write the edited model as a new HF folder (never the folder it was loaded from)\n"
                + "  --overwrite         allow --save-model / --save-delta to replace an existing model folder or file\n"
                + "  --dtype D           weights in memory: f32 (default), bf16 or f16; computed in float32\n"
                + "  --model M           the embedded tiny-facts (default), a model folder in HF layout, or a hub id in the HF cache\n"
                + "  --json              print the result as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Set<String> valued = new java.util.HashSet<>(Set.of("model", "dtype", "prompt", "subject", "target", "true", "save-delta", "save-model"));
        valued.addAll(RomeSetup.VALUED);
        Set<String> flags = new java.util.HashSet<>(Set.of("json", "overwrite"));
        flags.addAll(RomeSetup.FLAGS);
        Args a = Args.parse(name(), argv, valued, flags);
        String model = a.get("model", Models.DEFAULT);
        String prompt = a.require("prompt");
        String subject = a.require("subject");
        String target = a.get("target", "");
        if (target.isBlank()) throw new UsageException("edit: empty target: give the new object with --target, e.g. --target football");
        Request req;
        try {
            req = Request.fromText(prompt, subject, target, a.get("true", null));
        } catch (IllegalArgumentException e) {
            throw new UsageException("edit: " + e.getMessage());
        }
        try (Gpt gpt = Models.load(model, a.dtype())) {
            RomeHparams hp = RomeSetup.hparams(a, model, gpt);
            Rome rome = RomeSetup.session(a, model, gpt, hp, true);
            UnknownWords.note(gpt, req.text(), subject, target, a.get("true", null)).ifPresent(System.err::println);
            Edit e = rome.apply(req);
            Update u = e.updates().get(0);
            if (a.has("save-delta")) {
                for (Update x : e.updates()) {
                    float[] dw = new float[x.u().length * x.v().length];
                    for (int i = 0; i < x.u().length; i++) {
                        for (int j = 0; j < x.v().length; j++) dw[i * x.v().length + j] = x.u()[i] * x.v()[j];
                    }
                    String f = a.require("save-delta");
                    if (e.updates().size() > 1) f = f.replaceFirst("(\\.npy)?$", "_layer" + x.layer() + ".npy");
                    Outputs.file(Path.of(f), a.has("overwrite"), "--overwrite",
                            tmp -> Npy.writeFloat(tmp, new long[] {x.u().length, x.v().length}, dw));
                }
            }
            if (a.has("save-model")) {
                rome.save(Path.of(a.require("save-model")), Models.resolve(model), a.has("overwrite"));
            }
            if (a.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("layer", u.layer());
                m.put("layers", e.layers());
                m.put("u", u.u());
                m.put("v", u.v());
                m.put("u_norm", u.uNorm());
                m.put("v_norm", u.vNorm());
                m.put("delta_norm", u.deltaWeightNorm());
                m.put("iterations", u.iterations());
                m.put("loss", u.lossPerIter());
                m.put("pre", measure(e.pre()));
                m.put("post", measure(e.post()));
                m.put("millis", e.millis());
                Json.print(out, m);
            } else {
                out.println(e);
                out.printf("layer %d: |u| %.4f  |v| %.4f  |dW| %.4f  (%d v* iterations, %d ms)%n", u.layer(), u.uNorm(), u.vNorm(),
                        u.deltaWeightNorm(), u.iterations(), e.millis());
                out.printf("target \"%s\": %.4g -> %.4g%n", req.targetNew(), e.pre().targetProb(), e.post().targetProb());
                if (req.targetTrue() != null) {
                    out.printf("true   \"%s\": %.4g -> %.4g%n", req.targetTrue(), e.pre().trueProb(), e.post().trueProb());
                }
                out.println("before: " + req.text() + e.pre().generation());
                out.println("after:  " + req.text() + e.post().generation());
            }
            return 0;
        }
    }

    static Map<String, Object> measure(Edit.Measure m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("target_prob", m.targetProb());
        o.put("true_prob", Double.isNaN(m.trueProb()) ? null : m.trueProb());
        o.put("top", m.top());
        o.put("generation", m.generation());
        return o;
    }
}
