package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MEMIT and AlphaEdit on families without golden data (GPT-NeoX and Llama: nn.Linear down projections, rotary,
 * RMSNorm), through the same interface, checked against independent computations: every key from a forward of its
 * text alone; the second layer's keys taken on the model with only the first layer's update (and not the unedited
 * one); each update against a float64 Gauss-Jordan solve in plain Java from those keys, the residuals and C; the
 * stored weight's change in the Linear layout; and exact undo.
 */
class FamilyMassEditTest {
    static final List<Request> REQUESTS = List.of(Request.of("{} plays the sport of", "Michael Jordan", "football"),
            Request.of("The mother tongue of {} is", "Danielle Darrieux", "English"),
            Request.of("{} was founded by", "Apple", "Bill Gates"));

    @ParameterizedTest
    @ValueSource(strings = {"llama-memit", "gpt_neox-memit", "llama-alphaedit"})
    void independentChecks(String which) throws Exception {
        String family = which.substring(0, which.indexOf('-'));
        boolean alpha = which.endsWith("alphaedit");
        try (Gpt gpt = Gpt.load(Shared.arch(family))) {
            int f = gpt.config().nInner();
            int d = gpt.config().nEmbd();
            MemitHparams hp = MemitHparams.untuned(alpha ? "alphaedit" : "memit", List.of(1, 2), gpt.nLayer(), f,
                    gpt.architecture().moduleTemplates(gpt.config()));
            hp = new MemitHparams(hp.json().put("v_num_grad_steps", 8));
            Map<Integer, KeyStats> stats = KeyStats.collector(gpt, List.of(1, 2))
                    .collectLayers(Files.readAllLines(Shared.tinyGpt2().resolve("rome/corpus.txt")).iterator());
            List<List<String>> templates = List.of(List.of("{}"), List.of("The first time I saw it. {}", "Because of the rain, the. {}"));
            Map<String, float[]> w0 = new HashMap<>();
            for (int l : hp.layers()) w0.put(hp.weightName(l), gpt.parameters().get(hp.weightName(l)).toFloatArray());
            MassEdit editor = alpha ? new AlphaEdit(gpt, hp, templates, stats::get) : new Memit(gpt, hp, templates, stats::get);
            editor.keepIntermediates(true);
            try (editor) {
                EditStack stack = new EditStack(gpt);
                BatchEdit b = stack.apply(editor, REQUESTS);
                MassEdit.Result res = (MassEdit.Result) b.details();
                MassEdit.Layer first = res.layers().get(0);
                MassEdit.Layer second = res.layers().get(1);
                // the stored weights: W⁰ + float32(update), Linear layout [D, F]
                for (MassEdit.Layer L : res.layers()) {
                    float[] w = gpt.parameters().get(L.weightName()).toFloatArray();
                    float[] base = w0.get(L.weightName());
                    assertEquals((long) d * f, w.length);
                    for (int o = 0; o < d; o++) {
                        for (int i = 0; i < f; i++) {
                            float want = base[o * f + i] + (float) L.update()[i * d + o];
                            assertEquals(want, w[o * f + i], 0f, "stored [out, in] at layer " + L.layer());
                        }
                    }
                }
                // independent keys: each text alone; layer 2's on the model with layer 1's update only
                String w2 = hp.weightName(2);
                try (NDManager s = gpt.newScope()) {
                    NDArray edited2 = gpt.parameters().get(w2);
                    NDArray orig2 = s.create(w0.get(w2), gpt.parameters().get(w2).getShape());
                    gpt.parameters().replace(w2, orig2);
                    float[][] k1 = keysAlone(gpt, templates, 1);
                    float[][] k2 = keysAlone(gpt, templates, 2);
                    String w1 = hp.weightName(1);
                    NDArray orig1 = s.create(w0.get(w1), gpt.parameters().get(w1).getShape());
                    NDArray edited1 = gpt.parameters().replace(w1, orig1);
                    float[][] k2clean = keysAlone(gpt, templates, 2);
                    gpt.parameters().replace(w1, edited1);
                    gpt.parameters().replace(w2, edited2);
                    double e1 = rel(first.keys(), k1);
                    double e2 = rel(second.keys(), k2);
                    double eClean = rel(second.keys(), k2clean);
                    System.out.printf("%s: keys %.1e / %.1e; layer-2 keys vs the unedited model %.1e%n", which, e1, e2, eClean);
                    assertTrue(e1 < 1e-5 && e2 < 1e-5, "keys " + e1 + " " + e2);
                    assertTrue(eClean > 100 * e2, "layer 2 read the model with layer 1 edited: " + eClean);
                }
                // the solve, independently in float64
                for (int i = 0; i < 2; i++) {
                    MassEdit.Layer L = res.layers().get(i);
                    double[] c = stats.get(L.layer()).moment();
                    double[] want;
                    if (!alpha) {
                        want = memitSolve(c, L.keys(), L.resid(), hp.mom2UpdateWeight(), f, d);
                    } else {
                        // first batch: no cache; P from the projector (checked against eigenvectors by AlphaEditParityTest)
                        double[] p = ((AlphaEdit) editor).projector(L.layer()).matrix().toDoubleArray();
                        want = alphaSolve(p, L.keys(), L.resid(), hp.l2(), f, d);
                    }
                    double e = FamilyRomeParityTest.rel(want, L.update());
                    System.out.printf("%s layer %d: update vs float64 Gauss-Jordan %.1e%n", which, L.layer(), e);
                    assertTrue(e < 1e-8, "update at layer " + L.layer() + ": " + e);
                }
                stack.undo();
                for (Map.Entry<String, float[]> e : w0.entrySet()) {
                    assertArrayEquals(e.getValue(), gpt.parameters().get(e.getKey()).toFloatArray(), "undo " + e.getKey());
                }
            }
        }
    }

    /** K [n][F]: per request the mean over groups of the mean key of each template's text, each text run alone. */
    static float[][] keysAlone(Gpt gpt, List<List<String>> groups, int layer) {
        float[][] out = new float[REQUESTS.size()][];
        try (NDManager s = gpt.newScope()) {
            for (int j = 0; j < REQUESTS.size(); j++) {
                Request r = REQUESTS.get(j);
                double[] acc = null;
                for (List<String> g : groups) {
                    double[] mean = null;
                    for (String t : g) {
                        String tpl = Request.fill(t, r.prompt());
                        int idx = FactToken.SUBJECT_LAST.index(gpt.tokenizer(), tpl, r.subject());
                        float[] k = gpt.forward(s, Batch.of(gpt.tokenizer().ids(Request.fill(tpl, r.subject()))),
                                Interventions.builder().record(Site.mlpIn(layer)).build()).get(Site.mlpIn(layer))
                                .get("0, " + idx).toFloatArray();
                        if (mean == null) mean = new double[k.length];
                        for (int i = 0; i < k.length; i++) mean[i] += k[i] / (double) g.size();
                    }
                    if (acc == null) acc = new double[mean.length];
                    for (int i = 0; i < mean.length; i++) acc[i] += mean[i] / groups.size();
                }
                out[j] = new float[acc.length];
                for (int i = 0; i < acc.length; i++) out[j][i] = (float) acc[i];
            }
        }
        return out;
    }

    /** adj = (λC + KKᵀ)⁻¹K, upd = adj·residᵀ as [F*D]. */
    static double[] memitSolve(double[] c, float[][] keys, double[][] resid, double lambda, int f, int d) {
        int n = keys.length;
        double[][] a = new double[f][f];
        for (int i = 0; i < f; i++) {
            for (int j = 0; j < f; j++) {
                double s = lambda * c[i * f + j];
                for (int k = 0; k < n; k++) s += (double) keys[k][i] * keys[k][j];
                a[i][j] = s;
            }
        }
        double[][] b = new double[f][n];
        for (int i = 0; i < f; i++) for (int k = 0; k < n; k++) b[i][k] = keys[k][i];
        double[][] adj = gaussJordan(a, b);
        double[] upd = new double[f * d];
        for (int i = 0; i < f; i++) for (int o = 0; o < d; o++) {
            double s = 0;
            for (int k = 0; k < n; k++) s += adj[i][k] * resid[k][o];
            upd[i * d + o] = s;
        }
        return upd;
    }

    /** solve(P·KKᵀ + L2·I, P·K·residᵀ) as [F*D] (an empty cache). */
    static double[] alphaSolve(double[] p, float[][] keys, double[][] resid, double l2, int f, int d) {
        int n = keys.length;
        double[][] kk = new double[f][f];
        for (int i = 0; i < f; i++) for (int j = 0; j < f; j++) {
            double s = 0;
            for (int k = 0; k < n; k++) s += (double) keys[k][i] * keys[k][j];
            kk[i][j] = s;
        }
        double[][] a = new double[f][f];
        double[][] pk = new double[f][n];
        for (int i = 0; i < f; i++) {
            for (int j = 0; j < f; j++) {
                double s = 0;
                for (int m = 0; m < f; m++) s += p[i * f + m] * kk[m][j];
                a[i][j] = s + (i == j ? l2 : 0);
            }
            for (int k = 0; k < n; k++) {
                double s = 0;
                for (int m = 0; m < f; m++) s += p[i * f + m] * keys[k][m];
                pk[i][k] = s;
            }
        }
        double[][] b = new double[f][d];
        for (int i = 0; i < f; i++) for (int o = 0; o < d; o++) {
            double s = 0;
            for (int k = 0; k < n; k++) s += pk[i][k] * resid[k][o];
            b[i][o] = s;
        }
        double[][] x = gaussJordan(a, b);
        double[] out = new double[f * d];
        for (int i = 0; i < f; i++) System.arraycopy(x[i], 0, out, i * d, d);
        return out;
    }

    /** A⁻¹B by Gauss-Jordan elimination with partial pivoting (A and B are overwritten). */
    static double[][] gaussJordan(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
            double[] t = a[col]; a[col] = a[piv]; a[piv] = t;
            t = b[col]; b[col] = b[piv]; b[piv] = t;
            double inv = 1 / a[col][col];
            for (int j = 0; j < n; j++) a[col][j] *= inv;
            for (int j = 0; j < m; j++) b[col][j] *= inv;
            for (int r = 0; r < n; r++) {
                if (r == col || a[r][col] == 0) continue;
                double fct = a[r][col];
                for (int j = 0; j < n; j++) a[r][j] -= fct * a[col][j];
                for (int j = 0; j < m; j++) b[r][j] -= fct * b[col][j];
            }
        }
        return b;
    }

    static double rel(float[][] golden, float[][] ours) {
        double m = 0;
        double g = 0;
        for (int j = 0; j < golden.length; j++) for (int i = 0; i < golden[j].length; i++) {
            m = Math.max(m, Math.abs((double) golden[j][i] - ours[j][i]));
            g = Math.max(g, Math.abs(golden[j][i]));
        }
        return m / g;
    }
}
