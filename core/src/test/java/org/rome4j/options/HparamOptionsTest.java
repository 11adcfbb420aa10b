package org.rome4j.options;

import org.junit.jupiter.api.Test;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.rome.RomeHparams;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HparamOptionsTest {
    @Test
    void theDeclarationConvertsAndChecksWhatEveryFaceGives() throws Exception {
        try (Gpt gpt = Models.load("tiny-facts")) {
            RomeHparams preset = RomeHparams.preset("tiny-facts");
            RomeHparams dflt = Declared.parse(new HparamOptions(), List.of()).resolve("tiny-facts", gpt);
            assertEquals(preset.layers(), dflt.layers());
            assertEquals(preset.factToken(), dflt.factToken());
            RomeHparams hp = Declared.parse(new HparamOptions(), List.of("--layer", "2", "--fact-token", "last")).resolve("tiny-facts", gpt);
            assertEquals(List.of(2), hp.layers());
            assertEquals("last", hp.factToken().key());
            // the same values given by a face that split the words itself
            Map<String, String> given = Map.of("layer", "1", "fact-token", "subject_first");
            RomeHparams viaMap = Declared.from(new HparamOptions(), given::containsKey, given::get).resolve("tiny-facts", gpt);
            assertEquals(List.of(1), viaMap.layers());
            assertEquals("subject_first", viaMap.factToken().key());
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> Declared.parse(new HparamOptions(), List.of("--fact-token", "middle")));
            assertEquals("--fact-token is subject_last (ROME's choice), subject_first or last, got middle", bad.getMessage());
            IllegalArgumentException far = assertThrows(IllegalArgumentException.class,
                    () -> Declared.parse(new HparamOptions(), List.of("--layer", "99")).resolve("tiny-facts", gpt));
            assertTrue(far.getMessage().startsWith("layer 99 is out of range: tiny-facts has layers 0–" + (gpt.nLayer() - 1)), far.getMessage());
            IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
                    () -> Declared.parse(new HparamOptions(), List.of("--layer", "two")));
            assertTrue(word.getMessage().contains("--layer") && word.getMessage().contains("two"), word.getMessage());
        }
    }

    @Test
    void helpComesFromTheDeclaration() {
        String help = Declared.commandLine(new HparamOptions(), "x").getUsageMessage();
        assertTrue(help.contains("--fact-token T") && help.contains("--layer L") && help.contains("--hparams F|NAME"), help);
        assertTrue(help.startsWith("usage: x "), help);
        assertEquals(List.of("hparams", "layer", "fact-token"), Declared.names(new HparamOptions(), false));
    }
}
