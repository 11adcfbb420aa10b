package org.rome4j.rome;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v* search started at the edited layer from its cached input (projecting only the rows the loss
 * reads) finds the same δ, step by step, as the original's schedule of full forwards.
 */
class ValueSearchScheduleTest {
    static Gpt gpt;

    @BeforeAll
    static void load() {
        gpt = Gpt.load(Shared.tinyGpt2());
    }

    @AfterAll
    static void close() {
        gpt.close();
    }

    /** The cheap session, with C = I at layer 0. */
    static Rome session(boolean naive) throws Exception {
        int f = gpt.config().nInner();
        float[] id = new float[f * f];
        for (int i = 0; i < f; i++) id[i * f + i] = 1f;
        var g = Shared.tinyGpt2().resolve("rome");
        RomeHparams hp = RomeHparams.parse(RomeHparams.read(g.resolve("hparams.json")).toJson().put("v_num_grad_steps", 8), "t");
        return Rome.builder(gpt).hparams(hp).templates(List.of("{}", "It is a good. {}", "When I was a. {}"))
                .inverse(1, Npy.read(g.resolve("mom2_inverse_float32.npy")).floats()).inverse(0, id)
                .optNaiveSchedule(naive).build();
    }

    @Test
    void cachedLowerLayersGiveTheNaiveSchedulesSearch() throws Exception {
        Request r = Request.of("{} plays the sport of", "Michael Jordan", "football");
        for (int layer : new int[] {1, 0}) {       // layer 0: the cached input is the embedding itself
            Update fast = session(false).compute(r, layer);
            Update naive = session(true).compute(r, layer);
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
    }

    @Test
    void stepsLeaveNoArraysBehind() throws Exception {
        var g = Shared.tinyGpt2().resolve("rome");
        RomeHparams hp = RomeHparams.parse(RomeHparams.read(g.resolve("hparams.json")).toJson().put("v_num_grad_steps", 6), "t");
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
