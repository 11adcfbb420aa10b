package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;
import org.rome4j.io.Npy;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rome4j.rome.FamilyRomeParityTest.rel;

/**
 * Parity with the original MEMIT code (../shared/golden/memit) on tiny-gpt2 (GPT-2, Conv1D weights, 6 requests)
 * and on the GPT-J of golden/arch (nn.Linear weights, a head with bias, 3 requests), edited at layers [1, 2]
 * with each folder's hparams.json: subject indices, the z search per iteration, keys, cur_z, residuals, the
 * solve from the golden inputs, the updates end to end, logits before and after, and exact undo. Tolerances
 * are the README's (relative error = max|Δ| / max|golden|).
 */
class MemitParityTest {
    static final StringBuilder REPORT = new StringBuilder();

    static Path modelDir(String folder) {
        return folder.equals("gptj") ? Shared.arch("gptj") : Shared.tinyGpt2();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-gpt2", "gptj"})
    void matchesOriginal(String folder) throws Exception {
        Path dir = Shared.root().resolve("golden/memit").resolve(folder);
        JsonNode g = new ObjectMapper().readTree(dir.resolve("memit.json").toFile());
        MemitHparams hp = MemitHparams.read(dir.resolve("hparams.json"));
        List<List<String>> templates = ContextTemplates.readGroups(dir.getParent().resolve("context_templates.json"));
        assertEquals(List.of(1), templates.stream().map(List::size).toList().subList(0, 1), "MEMIT's first group is the bare prompt");
        List<Request> reqs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (JsonNode r : g.get("requests")) {
            reqs.add(Request.of(r.get("prompt").asText(), r.get("subject").asText(), r.get("target_new").get("str").asText()));
            ids.add(r.get("case_id").asText());
        }
        Map<Integer, KeyStats> stats = new HashMap<>();
        try (Gpt gpt = Gpt.load(modelDir(folder))) {
            int f = gpt.config().nInner();
            for (int l : hp.layers()) {
                double[] c = Npy.read(dir.resolve("layer" + l + "/cov.npy")).data();
                stats.put(l, KeyStats.ofMoment(c, f, 1, "float32"));
            }
            // subject indices: z's lookups and every layer's key and cur_z indices, exactly
            for (int j = 0; j < reqs.size(); j++) {
                JsonNode cz = g.get("compute_z").get(j);
                JsonNode strings = cz.get("rewriting_prompts");
                for (int r = 0; r < strings.size(); r++) {
                    String p = strings.get(r).asText();
                    if (cz.get("target_ids").size() == 1) {
                        assertEquals(cz.get("lookup_idxs").get(r).asInt(), hp.factToken().index(gpt.tokenizer(), p, reqs.get(j).subject()),
                                "lookup of " + p);
                    }
                }
            }
            Map<String, float[]> before = new HashMap<>();
            for (int l : hp.layers()) before.put(hp.weightName(l), gpt.parameters().get(hp.weightName(l)).toFloatArray());
            float[][] logitsPre = logits(gpt, g.get("logit_prompts"));
            assertTrue(maxAbsRows(Npy.read(dir.resolve("logits_pre.npy")).floats(), logitsPre) < 1e-4, "pre-edit logits");

            try (Memit memit = new Memit(gpt, hp, templates, stats::get)) {
                memit.keepIntermediates(true);
                // the solve alone, from the golden C, K and resid: upd = solve(λC + KKᵀ, K)·residᵀ in float64
                for (int l : hp.layers()) {
                    try (NDManager s = gpt.newScope()) {
                        Npy.Array k = Npy.read(dir.resolve("layer" + l + "/ks.npy"));              // [F, n]
                        Npy.Array r = Npy.read(dir.resolve("layer" + l + "/resid_f64.npy"));       // [D, n]
                        NDArray kk = s.create(k.data(), new Shape(k.shape()));
                        NDArray rr = s.create(r.data(), new Shape(r.shape())).transpose();
                        double[] upd = memit.solve(s, hp.layers().indexOf(l), l, kk, rr).toDoubleArray();
                        double[] want = storedToFD(Npy.read(dir.resolve("layer" + l + "/upd_matrix_f64.npy")), f);
                        double e = rel(want, upd);
                        REPORT.append(String.format("%s layer %d: solve from golden inputs %.1e%n", folder, l, e));
                        assertTrue(e < 1e-10, "solve from golden inputs at layer " + l + ": " + e);
                    }
                }

                EditStack stack = new EditStack(gpt);
                BatchEdit b = stack.apply(memit, reqs);
                MassEdit.Result res = (MassEdit.Result) b.details();
                assertEquals("memit", b.method());
                assertEquals(hp.layers(), b.layers());

                // z search per request: iterations exactly, δ per iteration rel 1e-4, z rel 1e-3 (README)
                for (int j = 0; j < reqs.size(); j++) {
                    String id = ids.get(j);
                    Npy.Array dpi = Npy.read(dir.resolve("compute_z/" + id + "_delta_per_iter.npy"));
                    int iters = (int) dpi.shape()[0];
                    int d = (int) dpi.shape()[1];
                    MassEdit.Search s = res.searches().get(j);
                    assertEquals(iters, s.deltas().size(), "iterations of " + id);
                    double eDelta = rel(dpi.floats(), rows(s.deltas()));      // over all iterations (row 0 is δ = 0)
                    double eTi = rel(Npy.read(dir.resolve("compute_z/" + id + "_target_init.npy")).floats(), s.targetInit());
                    REPORT.append(String.format("%s %s: delta/iter %.1e target_init %.1e%n", folder, id, eDelta, eTi));
                    assertTrue(eDelta < 1e-4, id + " delta per iteration " + eDelta);
                    assertTrue(eTi < 1e-5, id + " target_init " + eTi);
                }
                double eZ = rel(Npy.read(dir.resolve("zs.npy")).floats(), columns(res.zs()));
                assertTrue(eZ < 1e-3, "zs " + eZ);

                for (MassEdit.Layer L : res.layers()) {
                    int l = L.layer();
                    boolean first = l == hp.layers().get(0);
                    double tolIn = first ? 1e-5 : 1e-3;          // the first layer reads the unedited model
                    double eK = rel(Npy.read(dir.resolve("layer" + l + "/ks.npy")).floats(), columns(L.keys()));
                    double eKt = rel(Npy.read(dir.resolve("layer" + l + "/ks_per_template.npy")).floats(), rows(L.keysPerTemplate()));
                    double eCur = rel(Npy.read(dir.resolve("layer" + l + "/cur_zs.npy")).floats(), columns(L.curZ()));
                    double eRes = rel(Npy.read(dir.resolve("layer" + l + "/resid_f64.npy")).data(), columnsD(L.resid()));
                    double eUpd = rel(storedToFD(Npy.read(dir.resolve("layer" + l + "/upd_matrix_f64.npy")), f), L.update());
                    double eDw = rel(Npy.read(dir.resolve("layer" + l + "/delta_weight.npy")).floats(), L.delta());
                    REPORT.append(String.format("%s layer %d: K %.1e K/template %.1e cur_z %.1e resid %.1e upd %.1e dW %.1e%n",
                            folder, l, eK, eKt, eCur, eRes, eUpd, eDw));
                    assertTrue(eK < tolIn && eKt < tolIn, "keys at layer " + l + ": " + eK + " " + eKt);
                    assertTrue(eCur < 1e-3, "cur_z at layer " + l + ": " + eCur);
                    assertTrue(eRes < 1e-3, "resid at layer " + l + ": " + eRes);
                    assertTrue(eUpd < 1e-3 && eDw < 1e-3, "update at layer " + l + ": " + eUpd + " " + eDw);
                    float[] w = gpt.parameters().get(L.weightName()).toFloatArray();
                    float[] w0 = before.get(L.weightName());
                    for (int i = 0; i < w.length; i++) assertEquals(w0[i] + L.delta()[i], w[i], 0f, "W⁰ + float32(upd)");
                }
                double ePost = maxAbsRows(Npy.read(dir.resolve("logits_post.npy")).floats(), logits(gpt, g.get("logit_prompts")));
                REPORT.append(String.format("%s logits post %.1e%n", folder, ePost));
                assertTrue(ePost < 2e-3, "post-edit logits " + ePost);

                // undo: the exact bytes of every touched layer
                assertEquals(b.id(), stack.undo().id());
                for (Map.Entry<String, float[]> e : before.entrySet()) {
                    assertArrayEquals(e.getValue(), gpt.parameters().get(e.getKey()).toFloatArray(), e.getKey() + " after undo");
                }
                assertTrue(stack.edits().isEmpty());
            }
        }
        System.out.print(REPORT);
        REPORT.setLength(0);
    }

    /** Last-position logits of each prompt run alone, [P][V]. */
    static float[][] logits(Gpt gpt, JsonNode prompts) {
        float[][] out = new float[prompts.size()][];
        try (NDManager s = gpt.newScope()) {
            for (int i = 0; i < out.length; i++) {
                out[i] = gpt.forwardLast(s, Batch.of(gpt.tokenizer().ids(prompts.get(i).asText())), Interventions.NONE).logits().toFloatArray();
            }
        }
        return out;
    }

    static double maxAbsRows(float[] golden, float[][] ours) {
        int v = ours[0].length;
        double m = 0;
        for (int i = 0; i < ours.length; i++) for (int j = 0; j < v; j++) m = Math.max(m, Math.abs(golden[i * v + j] - ours[i][j]));
        return m;
    }

    /** [n][w] as the golden's [w, n] row-major. */
    static float[] columns(float[][] x) {
        int n = x.length;
        int w = x[0].length;
        float[] out = new float[n * w];
        for (int j = 0; j < n; j++) for (int i = 0; i < w; i++) out[i * n + j] = x[j][i];
        return out;
    }

    static double[] columnsD(double[][] x) {
        int n = x.length;
        int w = x[0].length;
        double[] out = new double[n * w];
        for (int j = 0; j < n; j++) for (int i = 0; i < w; i++) out[i * n + j] = x[j][i];
        return out;
    }

    static float[] rows(List<float[]> x) {
        int w = x.get(0).length;
        float[] out = new float[x.size() * w];
        for (int j = 0; j < x.size(); j++) System.arraycopy(x.get(j), 0, out, j * w, w);
        return out;
    }

    /** A golden update in the stored layout ([F, D] Conv1D or [D, F] Linear) as [F, D] row-major. */
    static double[] storedToFD(Npy.Array a, int f) {
        double[] d = a.data();
        if (a.shape()[0] == f) return d;
        int rows = (int) a.shape()[0];
        int cols = (int) a.shape()[1];
        double[] out = new double[d.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[c * rows + r] = d[r * cols + c];
        return out;
    }
}
