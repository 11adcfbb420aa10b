package org.rome4j.magics;

import org.junit.jupiter.api.Test;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code %%rome_batch} on the embedded tiny-facts model. */
class RomeBatchMagicTest {
    @Test
    void parsesAndRejectsBadBodies() {
        assertEquals(2, RomeBatchMagic.parse("[{\"prompt\": \"{} plays\", \"subject\": \"A\", \"target\": \"x\"},"
                + "{\"prompt\": \"B speaks\", \"subject\": \"B\", \"target\": \"y\", \"true\": \"z\"}]").size());
        assertEquals("{} speaks", RomeBatchMagic.parse("[{\"prompt\": \"B speaks\", \"subject\": \"B\", \"target\": \"y\"}]").get(0).prompt());
        assertThrows(MagicException.class, () -> RomeBatchMagic.parse("{}"));
        assertThrows(MagicException.class, () -> RomeBatchMagic.parse("not json"));
        MagicException e = assertThrows(MagicException.class, () -> RomeBatchMagic.parse("[{\"prompt\": \"{} x\", \"subject\": \"A\"}]"));
        assertEquals("%%rome_batch: request 1 has no \"target\" string", e.getMessage());
        assertTrue(Magics.standard().cellNames().contains("rome_batch"));
    }

    @Test
    void appliesInOrderAndUndoesTheBatchOnFailure() throws Exception {
        Session s = Session.global();
        s.setModel(Models.load("tiny-facts"), "tiny-facts");
        try {
            Gpt gpt = s.model();
            String w = "transformer.h.1.mlp.c_proj.weight";
            float[] before = gpt.parameters().get(w).toFloatArray();
            String body = "[{\"prompt\": \"{} professionally plays the sport of\", \"subject\": \"Megan Rapinoe\", \"target\": \"basketball\"},"
                    + " {\"prompt\": \"The mother tongue of {} is\", \"subject\": \"Danielle Darrieux\", \"target\": \"English\"}]";
            RomeBatchMagic.Batch b = (RomeBatchMagic.Batch) new RomeBatchMagic().call(s, List.of(), body);
            Table t = b.table();
            assertEquals(2, t.rowCount());
            assertEquals(List.of("Megan Rapinoe", "Danielle Darrieux"), t.stringColumn("subject").asList());
            assertEquals(2, b.active());
            String bad = "[{\"prompt\": \"{} plays\", \"subject\": \"Someone\", \"target\": \"chess\"},"
                    + " {\"prompt\": \"{} plays\", \"subject\": \"X\", \"target\": \"\"}]";
            assertThrows(MagicException.class, () -> new RomeBatchMagic().call(s, List.of(), bad));
            assertEquals(2, ((Edits) new RomeMagics.ListMagic().call(s, List.of(), null)).edits().size(), "failed batch undone");
            new RomeMagics.UndoMagic().call(s, List.of("--all"), null);
            assertArrayEquals(before, gpt.parameters().get(w).toFloatArray());
        } finally {
            s.close();
        }
    }
}
