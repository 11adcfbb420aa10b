package org.rome4j.cli;

import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.model.UnknownWords;
import org.rome4j.model.TextTokenizer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code logits}: the next-token distribution after a prompt. */
final class LogitsCommand implements Command {
    @Override
    public String name() { return "logits"; }

    @Override
    public String usage() { return "logits --model M [--dtype f32|bf16|f16] --prompt TEXT [--json]"; }

    @Override
    public String help() {
        return "  --prompt TEXT       the text whose next-token distribution is printed (required)\n"
                + "  --dtype D           weights in memory: f32 (default), bf16 or f16; computed in float32\n"
                + "  --model M           the embedded tiny-facts (default), a model folder in HF layout, or a hub id in the HF cache\n"
                + "  --json              print the result as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("model", "dtype", "prompt"), Set.of("json"));
        String prompt = a.require("prompt");
        try (Gpt gpt = Models.load(a.get("model", Models.DEFAULT), a.dtype()); NDManager scope = gpt.newScope()) {
            TextTokenizer.Encoded enc = gpt.tokenizer().encode(prompt);
            if (enc.size() == 0) throw new UsageException("logits: the prompt encodes to no tokens; give a non-empty --prompt");
            UnknownWords.note(gpt, prompt).ifPresent(System.err::println);
            float[] logits = gpt.forwardLast(scope, Batch.of(enc.ids()), Interventions.NONE).logits().toFloatArray();
            List<Map<String, Object>> top = top(gpt, logits, 10);
            if (a.json()) {
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
