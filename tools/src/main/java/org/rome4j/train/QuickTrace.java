package org.rome4j.train;

import org.rome4j.data.FactData;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.rome4j.intervene.Cells;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.model.TextTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small causal trace used to compare tiny-facts candidates (not the project's tracing code): for
 * facts the model recalls, the subject's token embeddings are corrupted with Gaussian noise (3x the
 * embedding standard deviation, as ROME does), and one cell is restored to its clean value, a
 * single-layer hidden state or MLP output at the last subject token or at the last token. Prints the
 * average indirect effect, p(attribute | restored) - p(attribute | corrupted), per layer.
 *
 * <p>{@code QuickTrace MODEL [N] [seed]}
 */
public final class QuickTrace {
    private QuickTrace() { }

    /** Average effects: [kind 0 = hidden, 1 = mlp][position 0 = last subject token, 1 = last token][layer]. */
    public record Result(int facts, double clean, double corrupted, double[][][] effect) { }

    public static void main(String[] argv) throws Exception {
        Djl.init();
        try (Gpt gpt = Models.load(argv.length > 0 ? argv[0] : "tiny-facts")) {
            FactData data = FactData.loadBundled();
            int n = argv.length > 1 ? Integer.parseInt(argv[1]) : 200;
            long seed = argv.length > 2 ? Long.parseLong(argv[2]) : 1;
            Result r = trace(gpt, data, n, seed);
            System.out.println(format(r));
        }
    }

    /** Human-readable table. */
    public static String format(Result r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("facts %d, p(clean) %.3f, p(corrupted) %.3f%n", r.facts(), r.clean(), r.corrupted()));
        String[] kinds = {"hidden", "mlp"};
        String[] pos = {"last subject token", "last token"};
        for (int k = 0; k < 2; k++) {
            for (int p = 0; p < 2; p++) {
                b.append(String.format("%-7s @ %-18s", kinds[k], pos[p]));
                for (double e : r.effect()[k][p]) b.append(String.format(" %6.3f", e));
                b.append('\n');
            }
        }
        return b.toString();
    }

    /** Traces the first {@code n} literal prompts the model gets right (greedy). */
    public static Result trace(Gpt gpt, FactData data, int n, long seed) {
        TextTokenizer tok = gpt.tokenizer();
        int layers = gpt.nLayer();
        List<FactData.Example> lit = data.literalExamples();
        boolean[] ok = FactAccuracy.correct(gpt, lit);
        NDArray wte = gpt.parameters().get(gpt.architecture().tokenEmbedding());
        float noiseStd = 3f * (float) Math.sqrt(wte.sub(wte.mean()).square().mean().getFloat());
        Random rnd = new Random(seed);
        double[][][] eff = new double[2][2][layers];
        double clean = 0;
        double corrupted = 0;
        int used = 0;
        for (int i = 0; i < lit.size() && used < n; i++) {
            if (!ok[i]) continue;
            FactData.Example e = lit.get(i);
            TextTokenizer.Encoded enc = tok.encode(e.prompt());
            int[] subj = TextTokenizer.subjectRange(enc, e.fact().subject());
            long target = tok.continuation(e.prompt(), " " + e.fact().attribute())[0];
            int t = enc.size();
            int[] cellPos = {subj[1] - 1, t - 1};
            int rows = 2 + 2 * 2 * layers;
            List<long[]> seqs = new ArrayList<>();
            for (int r = 0; r < rows; r++) seqs.add(enc.ids());
            try (NDManager sc = gpt.newScope()) {
                Interventions.Builder rec = Interventions.builder();
                for (int l = 0; l < layers; l++) rec.record(Site.layerOut(l), Site.mlpOut(l));
                var cleanOut = gpt.forward(sc, Batch.of(enc.ids()), rec.build());
                int d = gpt.config().nEmbd();
                float[][] noise = new float[(rows - 1) * (subj[1] - subj[0])][d];
                int[] nr = new int[noise.length];
                int[] np = new int[noise.length];
                int c = 0;
                for (int r = 1; r < rows; r++) {
                    for (int p = subj[0]; p < subj[1]; p++) {
                        nr[c] = r;
                        np[c] = p;
                        for (int j = 0; j < d; j++) noise[c][j] = (float) (rnd.nextGaussian() * noiseStd);
                        c++;
                    }
                }
                // rows with the same noise: reuse row 1's noise on every corrupted row
                for (int k = subj[1] - subj[0]; k < noise.length; k++) noise[k] = noise[k % (subj[1] - subj[0])];
                Interventions.Builder iv = Interventions.builder().add(Site.embed(), Cells.of(nr, np), noise);
                int row = 2;
                for (int k = 0; k < 2; k++) {
                    for (int p = 0; p < 2; p++) {
                        for (int l = 0; l < layers; l++) {
                            Site s = k == 0 ? Site.layerOut(l) : Site.mlpOut(l);
                            NDArray cleanVec = cleanOut.get(s).get(new NDIndex("0, {}", cellPos[p]));
                            iv.replace(s, Cells.at(row, cellPos[p]), cleanVec);
                            row++;
                        }
                    }
                }
                NDArray probs = gpt.forwardLast(sc, Batch.right(seqs, tok.padId()), iv.build()).logits()
                        .softmax(-1).get(new NDIndex(":, 0, {}", target));
                float[] pr = probs.toFloatArray();
                clean += pr[0];
                corrupted += pr[1];
                row = 2;
                for (int k = 0; k < 2; k++) {
                    for (int p = 0; p < 2; p++) {
                        for (int l = 0; l < layers; l++) eff[k][p][l] += pr[row++] - pr[1];
                    }
                }
            }
            used++;
        }
        for (double[][] a : eff) for (double[] b : a) for (int l = 0; l < b.length; l++) b[l] /= Math.max(1, used);
        return new Result(used, clean / Math.max(1, used), corrupted / Math.max(1, used), eff);
    }
}
