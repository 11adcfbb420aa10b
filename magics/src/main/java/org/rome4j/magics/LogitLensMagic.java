package org.rome4j.magics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.model.Output;
import org.rome4j.model.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code %logit_lens "prompt"}: one forward that records {@code layer.{i}.out} for every layer, then
 * the model's own final norm and unembedding ({@link Gpt#finalNorm}, {@link Gpt#unembed}: LayerNorm or
 * RMSNorm, tied or untied head, GPT-J's head bias) applied to each recorded residual.
 */
public final class LogitLensMagic implements Magic<LogitLensMagic.Options> {
    /** The declaration: the prompt. */
    @Command(name = "logit_lens", description = "Top next token at every layer and position: each layer's residual through the "
            + "final norm and the unembedding.", footerHeading = "%nexamples:%n",
            footer = "  %%logit_lens \"The Eiffel Tower is located in the city of\"")
    public static final class Options {
        @Mixin
        PromptArgument prompt;
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public Class<?> resultType() {
        return LogitLens.class;
    }

    @Override
    public Object run(Session session, Options o, String body) {
        String prompt = o.prompt.prompt();
        Gpt gpt = session.model();
        TextTokenizer.Encoded enc = gpt.tokenizer().encode(prompt);
        if (enc.size() == 0) {
            throw new MagicException("%logit_lens: the prompt encodes to no tokens; give a non-empty prompt");
        }
        return lens(gpt, prompt, enc);
    }

    /** The logit lens of an encoded prompt. */
    public static LogitLens lens(Gpt gpt, String prompt, TextTokenizer.Encoded enc) {
        int layers = gpt.nLayer();
        int t = enc.size();
        String[][] top = new String[layers][t];
        double[][] prob = new double[layers][t];
        Interventions.Builder rec = Interventions.builder();
        for (int i = 0; i < layers; i++) rec.record(Site.layerOut(i));
        try (NDManager scope = gpt.newScope()) {
            Output out = gpt.forward(scope, Batch.of(enc.ids()), rec.build());
            for (int i = 0; i < layers; i++) {
                Session.checkInterrupted();
                NDArray x = out.get(Site.layerOut(i)).reshape(t, gpt.config().nEmbd());      // [T, D]
                NDArray probs = gpt.unembed(gpt.finalNorm(x)).softmax(-1);                  // [T, V], the model's own norm and head
                long[] arg = probs.argMax(-1).toLongArray();
                float[] p = probs.max(new int[]{-1}).toFloatArray();
                for (int j = 0; j < t; j++) {
                    top[i][j] = gpt.tokenizer().tokenText(arg[j]);
                    prob[i][j] = p[j];
                }
            }
        }
        String[] text = new String[t];
        for (int j = 0; j < t; j++) {   // the prompt's own characters (" Megan", not "ĠMegan"); a special token decoded
            text[j] = enc.starts()[j] >= 0 && enc.ends()[j] <= enc.text().length() && enc.starts()[j] < enc.ends()[j]
                    ? enc.text().substring(enc.starts()[j], enc.ends()[j]) : gpt.tokenizer().tokenText(enc.ids()[j]);
        }
        return new LogitLens(prompt, text, top, prob);
    }
}
