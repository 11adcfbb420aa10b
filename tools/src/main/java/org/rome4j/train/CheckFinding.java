package org.rome4j.train;

import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.eval.FactRecall;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.trace.CausalTrace;
import org.rome4j.trace.DatasetResult;
import org.rome4j.trace.DatasetTrace;
import org.rome4j.trace.EmbeddingStd;
import org.rome4j.trace.FrozenResult;
import org.rome4j.trace.Kind;
import org.rome4j.trace.Noise;
import org.rome4j.trace.TokenRole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Benchmark-style check of the paper's finding on a model folder: traces the first {@code --limit} facts
 * of its {@code facts.json} with {@link DatasetTrace} (what {@code trace-dataset} runs), runs the Fig. 3
 * severed traces on the same facts, prints the average-indirect-effect table (token role × layer, resid /
 * MLP / attn) and the three criteria of issue 18 with PASS or FAIL. Exit status 0 when all three pass.
 *
 * <p>Options: {@code --model DIR} (required), {@code --facts F} (DIR/facts.json), {@code --held-out F}
 * (DIR/facts-held-out.json, when there), {@code --limit N} (224: 28 people x 8 relations), {@code --window W} ({@link org.rome4j.trace.Kind#scaledWindow}, as the trace commands),
 * {@code --samples N} (10), {@code --noise} (s3), {@code --out DIR} (trace cache; a temporary folder).
 */
public final class CheckFinding {
    private CheckFinding() { }

    public static void main(String[] argv) throws Exception {
        Djl.init();
        Map<String, String> a = TrainTinyFacts.parse(argv);
        TrainTinyFacts.threads(a);
        if (!a.containsKey("model")) {
            System.err.println("usage: CheckFinding --model DIR [--facts F] [--limit N] [--window W] [--out DIR]");
            System.exit(2);
        }
        Path dir = Path.of(a.get("model"));
        Path factsFile = Path.of(a.getOrDefault("facts", dir.resolve("facts.json").toString()));
        Path heldFile = Path.of(a.getOrDefault("held-out", dir.resolve("facts-held-out.json").toString()));
        int limit = Integer.parseInt(a.getOrDefault("limit", "224"));
        int samples = Integer.parseInt(a.getOrDefault("samples", "10"));
        Noise noise = Noise.parse(a.getOrDefault("noise", "s3"));
        Path out = a.containsKey("out") ? Path.of(a.get("out")) : Files.createTempDirectory("check-finding");
        List<KnownFact> all = KnownFacts.read(factsFile);
        List<KnownFact> facts = all.subList(0, Math.min(limit, all.size()));

        try (Gpt gpt = Gpt.load(dir)) {
            int nl = gpt.nLayer();
            int window = a.containsKey("window") ? Integer.parseInt(a.get("window")) : org.rome4j.trace.Kind.scaledWindow(nl);
            FactRecall.Result acc = FactRecall.check(gpt, all, 64);
            System.out.printf("model %s (%d layers), window %d (%s), %d samples, noise %s%n", dir, nl, window,
                    a.containsKey("window") ? "--window" : "10 of 48 layers scaled to " + nl, samples, noise.describe());
            System.out.printf("accuracy on %s: %.4f (%d/%d)%n", factsFile.getFileName(), acc.accuracy(), acc.correct(), acc.total());
            if (Files.isRegularFile(heldFile)) {
                FactRecall.Result h = FactRecall.check(gpt, KnownFacts.read(heldFile), 64);
                System.out.printf("held-out phrasing accuracy (%s): %.4f (%d/%d)%n", heldFile.getFileName(), h.accuracy(),
                        h.correct(), h.total());
            }

            long t0 = System.nanoTime();
            DatasetResult r = DatasetTrace.builder(gpt).setFacts(all).optLimit(limit).optWindow(window).optSamples(samples)
                    .optNoise(noise).optCacheDir(out).build().run();
            r.writeTo(out);
            System.out.printf("traced %d known facts of the first %d in %.0fs (results in %s)%n", r.traced(), facts.size(),
                    (System.nanoTime() - t0) / 1e9, out);
            if (r.traced() == 0) {
                System.out.println("the model knows none of these facts: nothing to check");
                System.exit(1);
            }
            System.out.printf("mean P(answer) clean %.4f, corrupted %.4f%n", r.meanHigh(), r.meanLow());

            // Fig. 3 on the same known facts: restore the last subject token's state, alone and with the
            // token's attention or MLP pinned to its corrupted values in the layers above
            double std = EmbeddingStd.of(gpt, all.stream().map(KnownFact::subject).toList());
            double[] plain = new double[nl];
            double[] noAttn = new double[nl];
            double[] noMlp = new double[nl];
            int n = 0;
            for (FactRecall.Check c : acc.checks().subList(0, facts.size())) {   // the recall of `all` above, in order
                if (!c.correct()) continue;
                KnownFact f = c.fact();
                FrozenResult fr = CausalTrace.builder(gpt).setPrompt(f.prompt()).setSubject(f.subject()).optSamples(samples)
                        .optNoise(noise).optEmbeddingStd(std).optExpect(f.attribute()).build().runFrozen();
                for (int l = 0; l < nl; l++) {
                    plain[l] += fr.plain()[l] - fr.lowScore();
                    noAttn[l] += fr.attnSevered()[l] - fr.lowScore();
                    noMlp[l] += fr.mlpSevered()[l] - fr.lowScore();
                }
                n++;
            }
            for (int l = 0; l < nl; l++) {
                plain[l] /= n;
                noAttn[l] /= n;
                noMlp[l] /= n;
            }

            StringBuilder sb = new StringBuilder("\naverage indirect effect (mean P(answer) restored - corrupted), token role x layer\n");
            sb.append(String.format("%-6s %-24s", "kind", "role"));
            for (int l = 0; l < nl; l++) sb.append(String.format("%7d", l));
            sb.append('\n');
            for (Kind k : DatasetTrace.KINDS) {
                for (TokenRole role : TokenRole.values()) {
                    sb.append(String.format("%-6s %-24s", k.id(), role.label()));
                    for (int l = 0; l < nl; l++) sb.append(String.format("%7.4f", r.cell(k, role, l).meanEffect()));
                    sb.append('\n');
                }
            }
            sb.append(String.format("%nFig. 3, last subject token, restored state effect (%d facts)%n", n));
            row(sb, "state", plain);
            row(sb, "attn severed", noAttn);
            row(sb, "mlp severed", noMlp);
            System.out.print(sb);

            boolean ok = report(r, plain, noAttn, noMlp, nl);
            System.exit(ok ? 0 : 1);
        }
    }

    private static void row(StringBuilder sb, String name, double[] v) {
        sb.append(String.format("%-31s", name));
        for (double x : v) sb.append(String.format("%7.4f", x));
        sb.append('\n');
    }

    /** Prints the three criteria; true when all pass. */
    static boolean report(DatasetResult r, double[] plain, double[] noAttn, double[] noMlp, int nl) {
        double[] mlpSubj = series(r, Kind.MLP, TokenRole.LAST_SUBJECT, nl);
        double[] attnLast = series(r, Kind.ATTN, TokenRole.LAST, nl);
        double[] attnSubj = series(r, Kind.ATTN, TokenRole.LAST_SUBJECT, nl);

        // (a) strictly inside the middle: not in the first fifth (l < nl/5), not in the last (l >= 4 nl/5)
        int pa = argMax(mlpSubj);
        boolean middle = pa >= nl / 5.0 && pa < 4 * nl / 5.0;
        boolean a = middle && mlpSubj[pa] > 0 && mlpSubj[pa] >= 2 * mlpSubj[0] && mlpSubj[pa] >= 2 * mlpSubj[nl - 1];
        System.out.printf("%n(a) %s: MLP AIE at the last subject token peaks at layer %d (middle = layers %d..%d: %s), "
                        + "peak %.4f vs layer 0 %.4f (%.1fx) and layer %d %.4f (%.1fx), need >= 2x both%n",
                a ? "PASS" : "FAIL", pa, (int) Math.ceil(nl / 5.0), (int) Math.ceil(4 * nl / 5.0) - 1, middle ? "yes" : "no",
                mlpSubj[pa], mlpSubj[0], mlpSubj[pa] / mlpSubj[0], nl - 1, mlpSubj[nl - 1], mlpSubj[pa] / mlpSubj[nl - 1]);

        // (b) upper half: layers l >= nl/2
        int pb = argMax(attnLast);
        int half = (int) Math.ceil(nl / 2.0);
        boolean upper = pb >= half;
        int beaten = 0;
        for (int l = half; l < nl; l++) if (attnLast[l] > attnSubj[l]) beaten++;
        boolean b = upper && beaten == nl - half;
        System.out.printf("(b) %s: attention AIE at the last token peaks at layer %d (%.4f; upper half = layers %d..%d: %s) "
                        + "and exceeds that at the last subject token at %d of %d upper-half layers%n",
                b ? "PASS" : "FAIL", pb, attnLast[pb], half, nl - 1, upper ? "yes" : "no", beaten, nl - half);

        // (c) lower layers = the lower half: mean drop of the restored effect when severing
        double dMlp = 0;
        double dAttn = 0;
        for (int l = 0; l < half; l++) {
            dMlp += plain[l] - noMlp[l];
            dAttn += plain[l] - noAttn[l];
        }
        dMlp /= half;
        dAttn /= half;
        boolean c = dMlp > 0 && dMlp >= 2 * Math.max(dAttn, 0);
        System.out.printf("(c) %s: at layers 0..%d of the last subject token, severing MLPs lowers the restored effect by "
                        + "%.4f on average, severing attention by %.4f (%s), need >= 2x%n",
                c ? "PASS" : "FAIL", half - 1, dMlp, dAttn, dAttn > 0 ? String.format("%.1fx", dMlp / dAttn) : "attention drop <= 0");
        return a && b && c;
    }

    private static double[] series(DatasetResult r, Kind k, TokenRole role, int nl) {
        double[] v = new double[nl];
        for (int l = 0; l < nl; l++) v[l] = r.cell(k, role, l).meanEffect();
        return v;
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
