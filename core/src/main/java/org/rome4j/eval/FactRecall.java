package org.rome4j.eval;

import ai.djl.ndarray.NDManager;
import org.rome4j.data.KnownFact;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;

import java.util.ArrayList;
import java.util.List;

/**
 * Which facts a model knows: a fact counts as known when the greedy next token after its prompt is
 * the first token of {@code " " + attribute} (the criterion ROME's known_1000 was built with).
 */
public final class FactRecall {

    /** One fact's check. */
    public record Check(KnownFact fact, long expectedId, long predictedId, String predicted, float probability) {
        /** Whether the prediction is the expected token. */
        public boolean correct() {
            return expectedId == predictedId;
        }
    }

    /** All checks of a file. */
    public record Result(List<Check> checks) {
        /** Number of facts. */
        public int total() { return checks.size(); }

        /** Number known. */
        public int correct() { return (int) checks.stream().filter(Check::correct).count(); }

        /** correct / total. */
        public double accuracy() { return total() == 0 ? 0 : (double) correct() / total(); }

        /** The facts the model gets wrong. */
        public List<Check> wrong() { return checks.stream().filter(c -> !c.correct()).toList(); }
    }

    private FactRecall() { }

    /** Checks every fact, {@code batchSize} prompts per forward. */
    public static Result check(Gpt gpt, List<KnownFact> facts, int batchSize) {
        List<Check> out = new ArrayList<>();
        for (int from = 0; from < facts.size(); from += batchSize) {
            List<KnownFact> chunk = facts.subList(from, Math.min(facts.size(), from + batchSize));
            List<long[]> seqs = new ArrayList<>();
            for (KnownFact f : chunk) seqs.add(gpt.tokenizer().ids(f.prompt()));
            try (NDManager scope = gpt.newScope()) {
                float[] probs = gpt.forwardLast(scope, Batch.right(seqs, gpt.tokenizer().padId()), Interventions.NONE)
                        .logits().softmax(-1).toFloatArray();
                int v = probs.length / chunk.size();
                for (int r = 0; r < chunk.size(); r++) {
                    int best = 0;
                    for (int i = 1; i < v; i++) if (probs[r * v + i] > probs[r * v + best]) best = i;
                    long[] target = gpt.tokenizer().continuation(chunk.get(r).prompt(), " " + chunk.get(r).attribute());
                    out.add(new Check(chunk.get(r), target.length == 0 ? -1 : target[0], best,
                            gpt.tokenizer().tokenText(best), probs[r * v + best]));
                }
            }
        }
        return new Result(List.copyOf(out));
    }
}
