package org.rome4j.cli;

import org.rome4j.io.Npy;
import org.rome4j.io.Outputs;
import org.rome4j.io.RunLock;
import org.rome4j.model.Gpt;
import org.rome4j.model.ModelSave;
import org.rome4j.model.Models;
import org.rome4j.model.UnknownWords;
import org.rome4j.rome.Edit;
import org.rome4j.rome.Request;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;
import org.rome4j.rome.Update;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rome4j.options.EditMethodOptions;
import org.rome4j.options.EditRequestOptions;
import org.rome4j.options.JsonOption;
import org.rome4j.options.ModelOptions;
import org.rome4j.options.OverwriteOption;
import org.rome4j.options.PromptOption;
import org.rome4j.options.RomeSessionOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edit}: one ROME edit, reported as JSON (u, v, norms, predictions before and after); or, with
 * {@code --method} / {@code --requests}, batches edited by ROME, r-ROME, MEMIT or AlphaEdit ({@link BatchEdits}).
 */
@picocli.CommandLine.Command(name = "edit", description = "One ROME edit: a rank-one update of one MLP rewrites (subject, relation, "
        + "object); prints u, v, the norms and the predictions before and after, and can save the update or the edited model. "
        + "With --method memit|alphaedit|r-rome and --requests F.json (repeatable): batches applied in sequence.")
final class EditCommand implements Command {
    @Mixin
    EditMethodOptions method;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PromptOption prompt;

    @Mixin
    EditRequestOptions request;

    @Mixin
    RomeSessionOptions session;

    @Option(names = "--save-delta", paramLabel = "F.npy", description = "write the rank-one update u v^T (float32 .npy)")
    Path saveDelta;

    @Option(names = "--save-model", paramLabel = "DIR", description = "write the edited model as a new HF folder (never the folder it was loaded from)")
    Path saveModel;

    @Mixin
    OverwriteOption overwrite;

    @Mixin
    ModelOptions model;

    @Mixin
    JsonOption json;

    @Override
    public int run(PrintStream out) throws Exception {
        if (method.batch()) return new BatchEdits(this).run(out);
        String subject = request.subject();
        String target = request.target();
        Request req = Request.fromText(prompt.one(), subject, target, request.trueObject());
        // every input before the model loads and statistics are computed: a wrong name fails in a second, not after minutes
        session.check();
        if (saveDelta != null) Outputs.checkFile(saveDelta, overwrite.overwrite(), "--overwrite");
        if (saveModel != null) ModelSave.check(saveModel, Models.resolve(model.source()), overwrite.overwrite());
        try (Gpt gpt = model.load()) {
            RomeHparams hp = session.hparams(model.source(), gpt);
            UnknownWords.note(gpt, req.text(), subject, target, request.trueObject()).ifPresent(System.err::println);
            Rome.check(gpt, req);
            Rome rome;
            // statistics missing from the cache are computed into it: a second run waits for the first and reuses them
            try (RunLock lock = RunLock.await(KeyStats.defaultCacheDir(), System.err::println)) {
                rome = session.session(model.source(), gpt, hp, true);
            }
            Edit e = rome.apply(req);
            Update u = e.updates().get(0);
            if (saveDelta != null) {
                for (Update x : e.updates()) {
                    float[] dw = new float[x.u().length * x.v().length];
                    for (int i = 0; i < x.u().length; i++) {
                        for (int j = 0; j < x.v().length; j++) dw[i * x.v().length + j] = x.u()[i] * x.v()[j];
                    }
                    String f = saveDelta.toString();
                    if (e.updates().size() > 1) f = f.replaceFirst("(\\.npy)?$", "_layer" + x.layer() + ".npy");
                    Outputs.file(Path.of(f), overwrite.overwrite(), "--overwrite",
                            tmp -> Npy.writeFloat(tmp, new long[] {x.u().length, x.v().length}, dw));
                }
            }
            if (saveModel != null) {
                rome.save(saveModel, Models.resolve(model.source()), overwrite.overwrite());
            }
            if (json.json()) {
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
