package org.rome4j.train;

import org.junit.jupiter.api.Test;
import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.eval.FactRecall;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded tiny-biographies model: loads by name, knows the facts it ships, stays small. */
class TinyBiographiesModelTest {

    @Test
    void knowsTheFactsItShips() throws Exception {
        try (Gpt gpt = Models.load("tiny-biographies")) {
            assertEquals("tiny-biographies", gpt.name());
            Path dir = Models.resolve("tiny-biographies");
            List<KnownFact> facts = KnownFacts.read(dir.resolve("facts.json"));
            assertEquals(1200, facts.size());
            FactRecall.Result r = FactRecall.check(gpt, facts, 64);
            assertTrue(r.accuracy() >= 0.95, "accuracy " + r.accuracy());
            assertEquals(1200, KnownFacts.read(dir.resolve("facts-held-out.json")).size());
        }
    }

    @Test
    void staysSmall() throws Exception {
        URL weights = Models.class.getResource("/rome4j/models/tiny-biographies/model.safetensors");
        assertNotNull(weights);
        long size;
        try (InputStream in = weights.openStream()) {
            size = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertTrue(size <= 30L * 1024 * 1024, "checkpoint is " + size + " bytes");
    }
}
