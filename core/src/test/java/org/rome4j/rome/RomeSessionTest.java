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

/** Sampled context templates, the r-ROME flag, and the edit handle's contents. */
class RomeSessionTest {
    static Gpt gpt;

    @BeforeAll
    static void load() {
        gpt = Gpt.load(Shared.tinyGpt2());
    }

    @AfterAll
    static void close() {
        gpt.close();
    }

    static Rome.Builder cheap() throws Exception {
        var g = Shared.tinyGpt2().resolve("rome");
        RomeHparams hp = RomeHparams.parse(RomeHparams.read(g.resolve("hparams.json")).toJson().put("v_num_grad_steps", 3), "t");
        return Rome.builder(gpt).setHparams(hp).optTemplates(List.of("{}", "It is a good. {}", "When I was a. {}"))
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
}
