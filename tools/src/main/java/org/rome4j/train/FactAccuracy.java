package org.rome4j.train;

import org.rome4j.data.FactData;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.model.TextTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy fact recall: an example counts as correct when the model's most likely next token after its
 * prompt is the first token of {@code " " + attribute} (the rule of the {@code facts} command).
 */
public final class FactAccuracy {
    private FactAccuracy() { }

    /** Per example, whether the greedy next token is the attribute's first token. Batches of 256. */
    public static boolean[] correct(Gpt gpt, List<FactData.Example> examples) {
        TextTokenizer tok = gpt.tokenizer();
        boolean[] out = new boolean[examples.size()];
        int bs = 256;
        for (int start = 0; start < examples.size(); start += bs) {
            List<FactData.Example> chunk = examples.subList(start, Math.min(examples.size(), start + bs));
            List<long[]> seqs = new ArrayList<>();
            long[] want = new long[chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                seqs.add(tok.ids(chunk.get(i).prompt()));
                want[i] = tok.continuation(chunk.get(i).prompt(), " " + chunk.get(i).fact().attribute())[0];
            }
            try (NDManager scope = gpt.newScope()) {
                NDArray logits = gpt.forwardLast(scope, Batch.right(seqs, tok.padId()), Interventions.NONE).logits();
                long[] got = logits.argMax(-1).toLongArray();
                for (int i = 0; i < chunk.size(); i++) out[start + i] = got[i] == want[i];
            }
        }
        return out;
    }

    /** Fraction correct. */
    public static double accuracy(Gpt gpt, List<FactData.Example> examples) {
        boolean[] c = correct(gpt, examples);
        int n = 0;
        for (boolean b : c) if (b) n++;
        return c.length == 0 ? 0 : (double) n / c.length;
    }
}
