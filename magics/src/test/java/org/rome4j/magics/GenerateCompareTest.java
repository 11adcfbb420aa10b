package org.rome4j.magics;

import org.junit.jupiter.api.Test;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code %generate --compare}: edited vs original on the embedded tiny-facts model. */
class GenerateCompareTest {
    @Test
    void comparesEditedAndOriginalAndKeepsTheEdit() throws Exception {
        Session s = Session.global();
        s.setModel(Models.load("tiny-facts"), "tiny-facts");
        try {
            Gpt gpt = s.model();
            String cmd = "\"Megan Rapinoe professionally plays the sport of\" --max-new-tokens 3 --compare";
            MagicException none = assertThrows(MagicException.class, () -> new GenerateMagic().call(s, ShellWords.split(cmd), null));
            assertTrue(none.getMessage().contains("needs an active edit"), none.getMessage());
            Generation plain = (Generation) new GenerateMagic().call(s,
                    ShellWords.split("\"Megan Rapinoe professionally plays the sport of\" --max-new-tokens 3"), null);
            String w = "transformer.h.1.mlp.c_proj.weight";
            float[] before = gpt.parameters().get(w).toFloatArray();
            new RomeMagics.EditMagic().call(s, ShellWords.split(
                    "\"{} professionally plays the sport of\" --subject \"Megan Rapinoe\" --target basketball"), null);
            float[] edited = gpt.parameters().get(w).toFloatArray();
            Generation g = (Generation) new GenerateMagic().call(s, ShellWords.split(cmd), null);
            assertEquals(List.of("edited", "original"), g.variants());
            assertEquals(plain.completion(), g.completions().get(1), "the original variant is the unedited model's");
            assertEquals(2, g.table().rowCount());
            assertArrayEquals(edited, gpt.parameters().get(w).toFloatArray(), "the edit is back after --compare");
            assertEquals(1, ((Edits) new RomeMagics.ListMagic().call(s, List.of(), null)).edits().size());
            new RomeMagics.UndoMagic().call(s, List.of("--all"), null);
            assertArrayEquals(before, gpt.parameters().get(w).toFloatArray(), "undo still bit-exact");
        } finally {
            s.close();
        }
    }
}
