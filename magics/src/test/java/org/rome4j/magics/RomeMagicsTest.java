package org.rome4j.magics;

import org.junit.jupiter.api.Test;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ROME magics on the embedded tiny-facts model. */
class RomeMagicsTest {
    @Test
    void editRaisesTheTargetAndUndoRestoresTheBytes() throws Exception {
        Session s = Session.global();
        s.setModel(Models.load("tiny-facts"), "tiny-facts");
        try {
            Gpt gpt = s.model();
            String w = "transformer.h.0.mlp.c_proj.weight";     // the tiny-facts preset edits layer 0
            float[] before = gpt.parameters().get(w).toFloatArray();
            EditResult e = (EditResult) new RomeMagics.EditMagic().call(s, Tokenizer.split(
                    "\"{} professionally plays the sport of\" --subject \"Megan Rapinoe\" --target basketball --true soccer"), null);
            assertEquals(List.of(0), e.edit().layers());
            assertFalse(java.util.Arrays.equals(before, gpt.parameters().get(w).toFloatArray()), "the edit changed the weight");
            assertTrue(e.edit().post().targetProb() > e.edit().pre().targetProb(), e.summary());
            assertEquals(2, e.table().rowCount());
            assertEquals(1, ((Edits) new RomeMagics.ListMagic().call(s, List.of(), null)).edits().size());
            Edits left = (Edits) new RomeMagics.UndoMagic().call(s, List.of(), null);
            assertEquals(0, left.edits().size());
            assertArrayEquals(before, gpt.parameters().get(w).toFloatArray(), "undo is bit-exact");
            MagicException none = assertThrows(MagicException.class, () -> new RomeMagics.UndoMagic().call(s, List.of(), null));
            assertEquals("%rome_undo: no active edits", none.getMessage());
        } finally {
            s.close();
        }
    }

    @Test
    void editingOptionsSetLayerAndFactToken() throws Exception {
        Session s = Session.global();
        s.setModel(Models.load("tiny-facts"), "tiny-facts");
        try {
            Spec spec = new RomeMagics.EditMagic().spec();
            var hp = RomeMagics.hparams("%rome_edit", s.model(), spec.parse(Tokenizer.split(
                    "\"{} is in\" --subject X --target Y --layer 2 --fact-token last")));
            assertEquals(List.of(2), hp.layers());
            assertEquals("last", hp.factToken().key());
            assertEquals("subject_last", RomeMagics.hparams("%rome_edit", s.model(),
                    spec.parse(Tokenizer.split("\"{} is in\" --subject X --target Y"))).factToken().key(), "the preset's");
            MagicException bad = assertThrows(MagicException.class, () -> RomeMagics.hparams("%rome_edit", s.model(),
                    spec.parse(Tokenizer.split("\"{} is in\" --subject X --target Y --fact-token middle"))));
            assertTrue(bad.getMessage().startsWith("%rome_edit: --fact-token is subject_last"), bad.getMessage());
            for (Magic m : List.of(new CounterFactEvalMagic(), new RomeBatchMagic())) {
                assertTrue(m.spec().help().contains("--fact-token"), m.spec().name());
            }
        } finally {
            s.close();
        }
    }
}
