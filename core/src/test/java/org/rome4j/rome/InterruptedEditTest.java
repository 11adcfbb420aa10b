package org.rome4j.rome;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;

import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An edit interrupted at any point before it becomes active leaves no trace: the weights are the file's bytes, no
 * edit is listed, and a later edit is numbered as if the interrupted one never ran.
 */
class InterruptedEditTest {
    static Gpt gpt;

    @BeforeAll
    static void load() {
        gpt = Gpt.load(Shared.tinyGpt2());
        UndoTest.gpt = gpt;
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();
    }

    /** Interrupts (0) before the edit, (1) while the first layer's keys are computed, (2) after the first layer's update is in the weights. */
    @Test
    void anInterruptAtAnyPointLeavesTheModelUnchanged() throws Exception {
        RomeHparams hp = RomeHparams.read(Shared.tinyGpt2().resolve("rome/hparams.json"));
        hp = RomeHparams.parse(hp.toJson().put("v_num_grad_steps", 2), "test").withLayers(List.of(1, 2));
        float[] inv = Npy.read(Shared.tinyGpt2().resolve("rome/mom2_inverse_float32.npy")).floats();
        int w = (int) Math.round(Math.sqrt(inv.length));
        double[] identity = new double[w * w];
        for (int i = 0; i < w; i++) identity[i * w + i] = 1;
        KeyStats stats = KeyStats.ofMoment(identity, w, 1, "float32");
        Request req = Request.of("{} is associated with", "Michael Jordan", "football");
        for (int point = 0; point <= 2; point++) {
            int at = point;
            Rome r = Rome.builder(gpt).setHparams(hp).optTemplates(List.of("{}")).optMeasure(false).optStatsSource(layer -> {
                if (at == 1 && layer == 1 || at == 2 && layer == 2) Thread.currentThread().interrupt();
                return stats;
            }).build();
            if (at == 0) Thread.currentThread().interrupt();
            try {
                CancellationException e = assertThrows(CancellationException.class, () -> r.apply(req), "point " + at);
                assertTrue(e.getMessage().contains("unchanged"), e.getMessage());
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt stays visible to the caller (point " + at + ")");
            }
            assertTrue(r.edits().isEmpty(), "no edit listed (point " + at + ")");
            UndoTest.assertWeightsEqualFile();
            // the session still edits, and undo is exact afterwards
            Edit e = r.apply(req);
            assertEquals(List.of(1, 2), e.layers());
            assertFalse(r.edits().isEmpty());
            r.undoAll();
            UndoTest.assertWeightsEqualFile();
        }
    }
}
