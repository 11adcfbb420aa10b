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
            EditResult e = (EditResult) new RomeMagics.EditMagic().call(s, ShellWords.split(
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
            java.util.function.Function<String, RomeMagics.EditMagic.Options> parse = line -> {
                RomeMagics.EditMagic.Options o = new RomeMagics.EditMagic().options();
                new MagicSpec(o, false).parse(ShellWords.split(line));
                return o;
            };
            var hp = parse.apply("\"{} is in\" --subject X --target Y --layer 2 --fact-token last").hparams.resolve("tiny-facts", s.model());
            assertEquals(List.of(2), hp.layers());
            assertEquals("last", hp.factToken().key());
            assertEquals("subject_last", parse.apply("\"{} is in\" --subject X --target Y").hparams.resolve("tiny-facts", s.model())
                    .factToken().key(), "the preset's");
            MagicException bad = assertThrows(MagicException.class, () -> new RomeMagics.EditMagic().call(s,
                    ShellWords.split("\"{} is in\" --subject X --target Y --fact-token middle"), null));
            assertTrue(bad.getMessage().startsWith("%rome_edit: --fact-token is subject_last"), bad.getMessage());
            for (Magic<?> m : List.<Magic<?>>of(new CounterFactEvalMagic(), new RomeBatchMagic())) {
                assertTrue(m.spec().help().contains("--fact-token"), m.spec().name());
            }
        } finally {
            s.close();
        }
    }
}
