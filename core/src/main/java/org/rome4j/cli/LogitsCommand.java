package org.rome4j.cli;

import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.model.UnknownWords;
import org.rome4j.model.TextTokenizer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rome4j.options.JsonOption;
import org.rome4j.options.ModelOptions;
import org.rome4j.options.PromptOption;

/** {@code logits}: the next-token distribution after a prompt. */
@picocli.CommandLine.Command(name = "logits", description = "The next-token distribution after a prompt: the prompt's tokens, "
        + "the last position's logits over the full vocabulary and the 10 most likely tokens.")
final class LogitsCommand implements Command {
    @picocli.CommandLine.Mixin
    PromptOption prompt;

    @picocli.CommandLine.Mixin
    ModelOptions model;

    @picocli.CommandLine.Mixin
    JsonOption json;

    @Override
    public int run(PrintStream out) throws Exception {
        String prompt = this.prompt.one();
        try (Gpt gpt = model.load(); NDManager scope = gpt.newScope()) {
            TextTokenizer.Encoded enc = gpt.tokenizer().encode(prompt);
            if (enc.size() == 0) throw new UsageException("logits: the prompt encodes to no tokens; give a non-empty --prompt");
            UnknownWords.note(gpt, prompt).ifPresent(System.err::println);
            float[] logits = gpt.forwardLast(scope, Batch.of(enc.ids()), Interventions.NONE).logits().toFloatArray();
            List<Map<String, Object>> top = top(gpt, logits, 10);
            if (json.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("tokens", enc.tokens());
                m.put("token_ids", enc.ids());
                m.put("last_logits", logits);
                m.put("top", top);
                Json.print(out, m);
            } else {
                out.println(gpt + "\nprompt tokens: " + String.join(" | ", enc.tokens()));
                for (Map<String, Object> t : top) {
                    out.printf("%8d  %-20s %.4f%n", (Long) t.get("id"), "\"" + t.get("token") + "\"", (Double) t.get("prob"));
                }
            }
            return 0;
        }
    }

    /** The k most likely tokens with probabilities (softmax in double precision). */
    static List<Map<String, Object>> top(Gpt gpt, float[] logits, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) max = Math.max(max, x);
        double sum = 0;
        for (float x : logits) sum += Math.exp(x - max);
        Integer[] idx = new Integer[logits.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (p, q) -> Float.compare(logits[q], logits[p]));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, idx.length); i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", (long) idx[i]);
            m.put("token", gpt.tokenizer().tokenText(idx[i]));
            m.put("prob", Math.exp(logits[idx[i]] - max) / sum);
            out.add(m);
        }
        return out;
    }
}
