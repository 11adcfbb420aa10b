package org.rome4j.magics;

import org.junit.jupiter.api.Test;
import org.rome4j.model.Models;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Magics name the words tiny-facts does not know in one line; %rome_edit refuses an entirely unknown target. */
class UnknownWordsMagicTest {
    @Test
    void magicsNoteUnknownWordsAndEditRefusesAnUnknownTarget() throws Exception {
        Session s = Session.global();
        s.setModel(Models.load("tiny-facts"), "tiny-facts");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(buf, true));
        try {
            new GenerateMagic().call(s, ShellWords.split("\"Zorblax plays the sport of\" --max-new-tokens 1"), null);
            new LogitLensMagic().call(s, ShellWords.split("\"Megan Rapinoe plays the sport of\""), null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RomeMagics.EditMagic().call(s,
                    ShellWords.split("\"{} plays the sport of\" --subject \"Megan Rapinoe\" --target Zorblax"), null));
            assertTrue(e.getMessage().contains("entirely unknown"), e.getMessage());
        } finally {
            System.setErr(saved);
        }
        String err = buf.toString();
        assertEquals(2, err.lines().filter(l -> l.startsWith("note: tiny-facts does not know the word \"Zorblax\"")).count(), err);
    }
}
