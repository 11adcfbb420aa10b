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

    /**
     * corpus.txt (the key-statistics corpus) and counterfact.json (the evaluation records) are what the generator writes
     * for the shipped seed, byte for byte, so retraining reproduces them; every neighborhood prompt names someone who has
     * the true object and every attribute prompt someone who has the new one, as CounterFact's do.
     */
    @Test
    void shipsItsCorpusAndRecordsFromTheSeed(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Biographies data = Biographies.generate(150, 8, 1, 8, 8, 1);
        data.writeCorpus(tmp.resolve("corpus.txt"), 1000, 1);
        data.writeCounterFact(tmp.resolve("counterfact.json"), 100, 1);
        Path dir = Models.resolve("tiny-biographies");
        for (String f : List.of("corpus.txt", "counterfact.json")) {
            assertEquals(java.nio.file.Files.readString(tmp.resolve(f)), java.nio.file.Files.readString(dir.resolve(f)), f);
        }
        assertEquals(1000, java.nio.file.Files.readAllLines(dir.resolve("corpus.txt")).size());

        java.util.Map<String, String> truth = new java.util.HashMap<>();
        for (KnownFact k : KnownFacts.read(dir.resolve("facts.json"))) truth.put(k.prompt(), k.attribute());
        List<org.rome4j.eval.CounterFactRecord> records = org.rome4j.eval.CounterFactRecord.read(dir.resolve("counterfact.json"));
        assertEquals(100, records.size());
        int neighbors = 0;
        for (var r : records) {
            var q = r.request();
            assertEquals(q.targetTrue(), truth.get(q.prompt().replace("{}", q.subject())), q.toString());
            assertTrue(!q.targetNew().equals(q.targetTrue()), q.toString());
            assertEquals(3, r.paraphrasePrompts().size());
            for (String p : r.neighborhoodPrompts()) {
                assertEquals(q.targetTrue(), truth.get(p), p);
                neighbors++;
            }
            for (String p : r.attributePrompts()) assertEquals(q.targetNew(), truth.get(p), p);
        }
        assertTrue(neighbors >= 700, "neighborhood prompts: " + neighbors);
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
