package org.rome4j.rome;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampled context templates, the r-ROME flag, the edit handle's contents, and the v* search's two schedules. */
class RomeSessionTest {
    static Gpt gpt;

    @BeforeAll
    static void load() {
        gpt = Gpt.load(Shared.tinyGpt2());
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    /** The golden hyper-parameters with {@code steps} v* steps. */
    static RomeHparams hparams(int steps) throws Exception {
        var g = Shared.tinyGpt2().resolve("rome");
        return RomeHparams.parse(RomeHparams.read(g.resolve("hparams.json")).toJson().put("v_num_grad_steps", steps), "t");
    }

    static Rome.Builder cheap() throws Exception {
        var g = Shared.tinyGpt2().resolve("rome");
        return Rome.builder(gpt).setHparams(hparams(3)).optTemplates(List.of("{}", "It is a good. {}", "When I was a. {}"))
                .optInverse(1, Npy.read(g.resolve("mom2_inverse_float32.npy")).floats());
    }

    @Test
    void sampledTemplatesAreSeeded() {
        List<int[]> params = List.of(new int[] {5, 2}, new int[] {10, 1});
        List<String> a = ContextTemplates.generate(gpt, params, 7);
        assertEquals(a, ContextTemplates.generate(gpt, params, 7));
        assertEquals(4, a.size());
        assertEquals("{}", a.get(0));
        for (String t : a.subList(1, 4)) {
            assertTrue(t.endsWith(". {}"), t);
            assertEquals(t.indexOf("{}"), t.lastIndexOf("{}"), t);
        }
        assertFalse(a.equals(ContextTemplates.generate(gpt, params, 8)), "another seed gives other texts");
    }

    @Test
    void rRomeUsesThePrefixAveragedKeyInTheDenominator() throws Exception {
        Request r = Request.of("{} plays the sport of", "Michael Jordan", "football");
        Update plain = cheap().build().compute(r, 1);
        Update rr = cheap().optRRome(true).build().compute(r, 1);
        assertArrayEquals(rr.kMean(), rr.curInput());
        assertFalse(java.util.Arrays.equals(plain.curInput(), plain.kMean()));
        assertArrayEquals(plain.u(), rr.u(), 0f);           // u is the same; only the denominator and v change
        assertFalse(java.util.Arrays.equals(plain.v(), rr.v()));
    }

    @Test
    void editHandleReportsBeforeAndAfter() throws Exception {
        Rome rome = cheap().build();
        Edit e = rome.apply(new Request("{} plays the sport of", "Michael Jordan", "football", "basketball"));
        try {
            assertEquals(List.of(1), e.layers());
            Update u = e.updates().get(0);
            assertEquals(1.0, u.uNorm(), 1e-5);
            assertEquals(u.uNorm() * u.vNorm(), u.deltaWeightNorm(), 1e-9);
            assertTrue(e.post().targetProb() > e.pre().targetProb());
            assertTrue(e.pre().trueProb() > 0);
            assertEquals(5, e.pre().top().size());
            assertFalse(e.pre().generation().isEmpty());
            assertEquals(List.of(e), rome.edits());
            assertThrows(IllegalArgumentException.class, () -> rome.undo(e.id() + 1));
        } finally {
            rome.undoAll();
        }
        assertThrows(IllegalArgumentException.class, () -> cheap().setHparams(RomeHparams.preset("gpt2-xl")).build());
    }

    /** The cheap session with 8 v* steps and C = I at layer 0, in either schedule. */
    static Rome session(boolean naive) throws Exception {
        int f = gpt.config().nInner();
        float[] id = new float[f * f];
        for (int i = 0; i < f; i++) id[i * f + i] = 1f;
        return cheap().setHparams(hparams(8)).optInverse(0, id).optNaiveSchedule(naive).build();
    }

    @Test
    void cachedLowerLayersGiveTheNaiveSchedulesSearch() throws Exception {
        for (Request r : List.of(Request.of("{} plays the sport of", "Michael Jordan", "football"),
                Request.of("{} was founded by", "Apple", "Bill Gates"))) {          // a target of several tokens
            for (int layer : new int[] {1, 0}) {       // layer 0: the cached input is the embedding itself
                sameUpdate(session(false).compute(r, layer), session(true).compute(r, layer), layer);
            }
        }
    }

    private static void sameUpdate(Update fast, Update naive, int layer) {
        // k* comes from the cached schedule's prefix run there, from a run of its own in the naive one
        assertArrayEquals(naive.keyIndices(), fast.keyIndices(), "fact tokens");
        assertTrue(RomeParityTest.maxAbs(naive.kMean(), fast.kMean()) <= 1e-5 * RomeParityTest.maxAbs(naive.kMean()), "k*");
        for (int i = 0; i < naive.keysPerTemplate().length; i++) {
            assertTrue(RomeParityTest.maxAbs(naive.keysPerTemplate()[i], fast.keysPerTemplate()[i])
                    <= 1e-5 * RomeParityTest.maxAbs(naive.keysPerTemplate()[i]), "key of template " + i);
        }
        assertTrue(RomeParityTest.maxAbs(naive.u(), fast.u()) <= 1e-5 * RomeParityTest.maxAbs(naive.u()), "u");
        assertEquals(naive.iterations(), fast.iterations(), "iterations at layer " + layer);
        assertTrue(fast.iterations() >= 3, "the search ran its steps");
        double scale = RomeParityTest.maxAbs(naive.target());
        for (int i = 0; i < naive.deltaPerIter().size(); i++) {
            double e = RomeParityTest.maxAbs(naive.deltaPerIter().get(i), fast.deltaPerIter().get(i));
            assertTrue(e <= 1e-5 * scale, "layer " + layer + " iteration " + i + ": δ differs by " + e);
            assertEquals(naive.lossPerIter().get(i), fast.lossPerIter().get(i), 1e-5 * Math.abs(naive.lossPerIter().get(i)),
                    "loss at iteration " + i);
        }
        assertTrue(RomeParityTest.maxAbs(naive.target(), fast.target()) <= 1e-5 * scale, "v*");
        assertTrue(RomeParityTest.maxAbs(naive.v(), fast.v()) <= 1e-5 * RomeParityTest.maxAbs(naive.v()), "v");
    }

    @Test
    void stepsLeaveNoArraysBehind() throws Exception {
        RomeHparams hp = hparams(6);
        int before = gpt.parameters().manager().getManagedArrays().size();
        for (boolean naive : new boolean[] {false, true}) {
            ValueSearch search = new ValueSearch(gpt, hp, naive);
            List<Integer> live = new java.util.ArrayList<>();
            search.afterStep = it -> live.add(gpt.parameters().manager().getManagedArrays().size());
            search.run(Request.of("{} plays the sport of", "Michael Jordan", "football"), 1,
                    List.of("{}", "It is a good. {}", "When I was a. {}"));
            assertTrue(live.size() >= 3, "steps ran: " + live);
            for (int n : live) assertEquals(live.get(0), n, (naive ? "naive" : "cached") + ": arrays alive after each step " + live);
            assertEquals(before, gpt.parameters().manager().getManagedArrays().size(), "none after the search");
        }
    }
}
