package org.rome4j.rome;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.io.Npy;
import org.rome4j.io.SafeTensors;
import org.rome4j.model.Gpt;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Edits stack, undo is bit-exact, and the edited model saves as a new checkpoint. */
class UndoTest {
    static Gpt gpt;
    static Path rome;

    @BeforeAll
    static void load() {
        gpt = Gpt.load(Shared.tinyGpt2());
        rome = Shared.tinyGpt2().resolve("rome");
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    /** A cheap session: 2 Adam steps, the bare template, no before/after measurement. */
    static Rome cheap(List<Integer> layers) throws Exception {
        RomeHparams hp = RomeHparams.read(rome.resolve("hparams.json"));
        hp = RomeHparams.parse(hp.toJson().put("v_num_grad_steps", 2), "test").withLayers(layers);
        Rome.Builder b = Rome.builder(gpt).setHparams(hp).optTemplates(List.of("{}", "Here is a fact. {}")).optMeasure(false);
        float[] inv = Npy.read(rome.resolve("mom2_inverse_float32.npy")).floats();
        for (int l : layers) b.optInverse(l, inv);     // any SPD matrix of the right width will do here
        return b.build();
    }

    static Map<String, float[]> fileWeights() throws Exception {
        try (SafeTensors st = SafeTensors.open(Shared.tinyGpt2().resolve("model.safetensors"))) {
            Map<String, float[]> out = new java.util.TreeMap<>();
            for (String n : st.entries().keySet()) out.put(n, st.readFloatArray(n));
            return out;
        }
    }

    static void assertWeightsEqualFile() throws Exception {
        for (Map.Entry<String, float[]> e : fileWeights().entrySet()) {
            float[] now = gpt.parameters().get(e.getKey()).toFloatArray();
            assertEquals(e.getValue().length, now.length);
            for (int i = 0; i < now.length; i++) {
                if (Float.floatToRawIntBits(now[i]) != Float.floatToRawIntBits(e.getValue()[i])) {
                    throw new AssertionError(e.getKey() + " differs at " + i + ": " + now[i] + " vs " + e.getValue()[i]);
                }
            }
        }
    }

    @Test
    void hundredSequentialEditsThenUndoAllIsBitExact() throws Exception {
        Rome r = cheap(List.of(1, 2));
        String[] subjects = {"Michael Jordan", "The Eiffel Tower", "Apple", "Barack Obama", "Paris"};
        String[] targets = {"football", "Rome", "Bill Gates", "chess", "London", "music", "Tokyo"};
        String w1 = "transformer.h.1.mlp.c_proj.weight";
        float[] orig = gpt.parameters().get(w1).toFloatArray();
        float[] after1 = null;
        for (int i = 0; i < 100; i++) {
            Edit e = r.apply(Request.of("{} is associated with", subjects[i % subjects.length], targets[i % targets.length]));
            assertEquals(i + 1, e.id());
            assertEquals(List.of(1, 2), e.layers());
            if (i == 0) after1 = gpt.parameters().get(w1).toFloatArray();
        }
        assertEquals(100, r.edits().size());
        assertFalse(java.util.Arrays.equals(orig, gpt.parameters().get(w1).toFloatArray()), "edits changed the weight");
        // only the most recent edit can be undone by id
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> r.undo(50));
        assertTrue(err.getMessage().contains("undo the later edits first"), err.getMessage());
        assertEquals(100, r.undo(100).id());
        assertEquals(99, r.undoAll());
        assertWeightsEqualFile();
        assertEquals(0, r.edits().size());
        assertEquals(null, r.undo());
        // after the first edit the weight differed; W + ΔW was stored bitwise
        assertFalse(java.util.Arrays.equals(orig, after1));
    }

    @Test
    void saveWritesANewCheckpointAndRefusesTheSource(@TempDir Path tmp) throws Exception {
        Rome r = cheap(List.of(1));
        Edit e = r.apply(Request.of("{} plays the sport of", "Michael Jordan", "football"));
        Path out = tmp.resolve("edited");
        r.save(out, Shared.tinyGpt2());
        try (Gpt edited = Gpt.load(out)) {
            assertArrayEquals(gpt.parameters().get("transformer.h.1.mlp.c_proj.weight").toFloatArray(),
                    edited.parameters().get("transformer.h.1.mlp.c_proj.weight").toFloatArray());
        }
        assertThrows(IllegalArgumentException.class, () -> r.save(Shared.tinyGpt2(), Shared.tinyGpt2()));
        r.undo(e.id());
        assertWeightsEqualFile();
    }
}
