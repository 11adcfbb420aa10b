package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rome4j.rome.MemitParityTest.columns;
import static org.rome4j.rome.FamilyRomeParityTest.rel;
import static org.rome4j.rome.MemitParityTest.rows;

/**
 * Parity with the original AlphaEdit code (../shared/golden/alphaedit) on tiny-gpt2, layers [1, 2], threshold
 * 7.0 from the folder's hparams.json: the null-space sizes (exactly), P against the float64 and float32
 * projectors, the solve from the golden P, cache and resid, and three sequential batches end to end (z, keys,
 * updates, the key cache carried between batches, logits after each batch), then undo back to the exact bytes
 * and the cache of the batches left.
 */
class AlphaEditParityTest {
    static Path dir() {
        return Shared.root().resolve("golden/alphaedit/tiny-gpt2");
    }

    @Test
    void projectorMatchesTheEigenvectorRule() throws Exception {
        Path dir = dir();
        JsonNode g = new ObjectMapper().readTree(dir.resolve("alphaedit.json").toFile());
        try (NDManager m = NDManager.newBaseManager()) {
            for (JsonNode pj : g.get("projection")) {
                int l = pj.get("layer").asInt();
                Npy.Array c = Npy.read(dir.resolve("layer" + l + "/cov.npy"));
                NDArray cov = m.create(c.data(), new Shape(c.shape()));
                Projector.Result p = Projector.below(cov, 7.0, l);
                assertEquals(pj.get("n_null").asInt(), p.nullDims(), "null-space size at layer " + l);
                double[] ours = p.matrix().toDoubleArray();
                double e64 = maxAbs(Npy.read(dir.resolve("layer" + l + "/P_f64.npy")).data(), ours);
                double e32 = maxAbs(Npy.read(dir.resolve("layer" + l + "/P.npy")).data(), ours);
                System.out.printf("alphaedit layer %d: null %d, P vs P_f64 %.1e, vs P(f32) %.1e%n", l, p.nullDims(), e64, e32);
                assertTrue(e64 < 1e-10, "P vs P_f64 at layer " + l + ": " + e64);
                assertTrue(e32 < 5e-6, "P vs P at layer " + l + ": " + e32);
                // the published absolute threshold leaves (almost) nothing on a tiny model; the relative rule does not
                assertEquals(pj.get("n_null_if_original_threshold_2e-2").asInt(), Projector.below(cov, 2e-2, l).nullDims());
                double top = pj.get("singular_values_f64_top10").get(0).asDouble();
                assertEquals(top, Projector.largestEigenvalue(cov), 1e-9 * top, "largest eigenvalue");
                int rel = Projector.below(cov, MemitHparams.RELATIVE_THRESHOLD * top, l).nullDims();
                assertTrue(rel > 200 && rel < 256, "relative rule keeps the top directions only: " + rel);
                // scaling C scales the relative threshold with it: the same null space
                NDArray scaled = cov.mul(m.create(1000.0));
                assertEquals(rel, Projector.below(scaled, MemitHparams.RELATIVE_THRESHOLD * Projector.largestEigenvalue(scaled), l).nullDims());
            }
            Npy.Array c = Npy.read(dir.resolve("layer1/cov.npy"));
            NDArray cov = m.create(c.data(), new Shape(c.shape()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Projector.below(cov, 0, 1));
            assertTrue(e.getMessage().contains("must be > 0"), e.getMessage());
        }
    }

    @Test
    void threeSequentialBatchesMatchOriginal() throws Exception {
        Path dir = dir();
        JsonNode g = new ObjectMapper().readTree(dir.resolve("alphaedit.json").toFile());
        MemitHparams hp = MemitHparams.read(dir.resolve("hparams.json"));
        List<List<String>> templates = ContextTemplates.readGroups(dir.getParent().resolve("context_templates.json"));
        Map<String, Request> byId = new HashMap<>();
        for (JsonNode r : g.get("requests")) {
            byId.put(r.get("case_id").asText(),
                    Request.of(r.get("prompt").asText(), r.get("subject").asText(), r.get("target_new").get("str").asText()));
        }
        Npy.Array logits = Npy.read(dir.resolve("logits.npy"));               // [stages, prompts, V]
        int nP = (int) logits.shape()[1];
        int v = (int) logits.shape()[2];
        float[] gl = logits.floats();
        try (Gpt gpt = Gpt.load(Shared.tinyGpt2())) {
            int f = gpt.config().nInner();
            Map<Integer, KeyStats> stats = new HashMap<>();
            for (int l : hp.layers()) stats.put(l, KeyStats.ofMoment(Npy.read(dir.resolve("layer" + l + "/cov.npy")).data(), f, 1, "float32"));
            Map<String, float[]> before = new HashMap<>();
            for (int l : hp.layers()) before.put(hp.weightName(l), gpt.parameters().get(hp.weightName(l)).toFloatArray());
            checkLogits(gpt, g, gl, 0, nP, v, 1e-4);
            try (AlphaEdit alpha = new AlphaEdit(gpt, hp, templates, stats::get)) {
                alpha.keepIntermediates(true);
                // the solve alone, from the golden P (float64), cache and resid of each batch
                for (int b = 1; b <= 3; b++) {
                    for (int i = 0; i < hp.layers().size(); i++) {
                        int l = hp.layers().get(i);
                        Path ld = dir.resolve("batch" + b + "/layer" + l);
                        try (NDManager s = gpt.newScope()) {
                            NDArray p = s.create(Npy.read(dir.resolve("layer" + l + "/P_f64.npy")).data(), new Shape(f, f));
                            NDArray cache = b == 1 ? s.zeros(new Shape(f, f), DataType.FLOAT64)
                                    : s.create(Npy.read(dir.resolve("batch" + (b - 1) + "/layer" + l + "/cache_c_after.npy")).data(), new Shape(f, f));
                            Npy.Array k = Npy.read(ld.resolve("ks.npy"));
                            Npy.Array r = Npy.read(ld.resolve("resid.npy"));
                            NDArray upd = AlphaEdit.solve(s, p, cache, s.create(k.data(), new Shape(k.shape())),
                                    s.create(r.data(), new Shape(r.shape())).transpose(), hp.l2(), l);
                            double e = rel(Npy.read(ld.resolve("upd_matrix.npy")).data(), upd.toDoubleArray());
                            assertTrue(e < 1e-4, "solve from golden inputs, batch " + b + " layer " + l + ": " + e);
                            // the update lies in the null space: (I − P)·upd = 0
                            double out = upd.sub(p.matMul(upd)).abs().max().getDouble();
                            assertTrue(out < 1e-8, "(I − P)·upd " + out);
                        }
                    }
                }

                EditStack stack = new EditStack(gpt);
                List<float[][]> cacheAfter = new ArrayList<>();
                JsonNode chunks = g.get("chunks");
                for (int b = 1; b <= chunks.size(); b++) {
                    List<Request> batch = new ArrayList<>();
                    for (JsonNode id : chunks.get(b - 1)) batch.add(byId.get(id.asText()));
                    BatchEdit be = stack.apply(alpha, batch);
                    MassEdit.Result res = (MassEdit.Result) be.details();
                    double eZ = rel(Npy.read(dir.resolve("batch" + b + "/zs.npy")).floats(), columns(res.zs()));
                    StringBuilder line = new StringBuilder(String.format("alphaedit batch %d: zs %.1e", b, eZ));
                    assertTrue(eZ < 1e-3, "zs of batch " + b + ": " + eZ);
                    float[][] caches = new float[hp.layers().size()][];
                    for (int i = 0; i < hp.layers().size(); i++) {
                        MassEdit.Layer L = res.layers().get(i);
                        Path ld = dir.resolve("batch" + b + "/layer" + L.layer());
                        double eK = rel(Npy.read(ld.resolve("ks.npy")).floats(), columns(L.keys()));
                        double eKt = rel(Npy.read(ld.resolve("ks_per_template.npy")).floats(), rows(L.keysPerTemplate()));
                        double eCur = rel(Npy.read(ld.resolve("cur_zs.npy")).floats(), columns(L.curZ()));
                        double eUpd = rel(Npy.read(ld.resolve("upd_matrix.npy")).data(), L.update());
                        caches[i] = alpha.cache(i);
                        line.append(String.format("; layer %d K %.1e K/t %.1e cur_z %.1e upd %.1e", L.layer(), eK, eKt, eCur, eUpd));
                        assertTrue(eK < 1e-3 && eKt < 1e-3 && eCur < 1e-3, "keys / cur_z at batch " + b + " layer " + L.layer());
                        assertTrue(eUpd < 1e-3, "update at batch " + b + " layer " + L.layer() + ": " + eUpd);
                        if (b < 3) {
                            double eC = rel(Npy.read(ld.resolve("cache_c_after.npy")).floats(), caches[i]);
                            line.append(String.format(" cache %.1e", eC));
                            assertTrue(eC < 1e-3, "cache after batch " + b + " layer " + L.layer() + ": " + eC);
                        }
                    }
                    cacheAfter.add(caches);
                    System.out.println(line);
                    checkLogits(gpt, g, gl, b, nP, v, 2e-3);
                }
                assertEquals(3, alpha.cachedBatches());

                // undo the last batch: the cache is the one after batch 2, bit for bit; then everything
                stack.undo();
                for (int i = 0; i < hp.layers().size(); i++) assertArrayEquals(cacheAfter.get(1)[i], alpha.cache(i), "cache after undo");
                checkLogits(gpt, g, gl, 2, nP, v, 2e-3);
                assertEquals(2, stack.undoAll());
                for (Map.Entry<String, float[]> e : before.entrySet()) {
                    assertArrayEquals(e.getValue(), gpt.parameters().get(e.getKey()).toFloatArray(), e.getKey() + " after undo");
                }
                for (int i = 0; i < hp.layers().size(); i++) assertArrayEquals(new float[f * f], alpha.cache(i), "empty cache");
            }
        }
    }

    static void checkLogits(Gpt gpt, JsonNode g, float[] gl, int stage, int nP, int v, double tol) {
        float[][] ours = MemitParityTest.logits(gpt, g.get("logit_prompts"));
        double m = 0;
        for (int p = 0; p < nP; p++) for (int j = 0; j < v; j++) m = Math.max(m, Math.abs(gl[(stage * nP + p) * v + j] - ours[p][j]));
        System.out.printf("alphaedit logits stage %d: %.1e%n", stage, m);
        assertTrue(m < tol, "logits at stage " + stage + ": " + m);
    }

    static double maxAbs(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
