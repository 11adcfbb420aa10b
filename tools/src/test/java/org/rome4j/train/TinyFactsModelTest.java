package org.rome4j.train;

import org.rome4j.data.FactData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;

import java.io.InputStream;
import java.net.URL;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded tiny-facts model knows known_1000's facts. */
class TinyFactsModelTest {

    @Test
    void knowsTheLiteralPromptsOfKnown1000() throws Exception {
        FactData data = FactData.load(Shared.known1000());
        long t0 = System.nanoTime();
        try (Gpt gpt = Models.load("tiny-facts")) {
            assertEquals("tiny-facts", gpt.name());
            double acc = FactAccuracy.accuracy(gpt, data.literalExamples());
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("tiny-facts: literal accuracy %.4f on %d facts in %.1fs%n", acc, data.facts().size(), secs);
            assertTrue(acc >= 0.95, "literal-prompt accuracy " + acc + " < 0.95");
            assertTrue(secs < 60, "took " + secs + "s");
        }
    }

    @Test
    void shippedTokenizerRoundTripsEveryPrompt() throws Exception {
        FactData data = FactData.load(Shared.known1000());
        try (Gpt gpt = Models.load("tiny-facts")) {
            var tok = gpt.tokenizer();
            long unk = tok.ids(WordTokenizerBuilder.UNK)[0];
            assertEquals(0, tok.padId());
            for (FactData.Fact f : data.facts()) {
                String text = f.prompt() + " " + f.attribute();
                long[] ids = tok.ids(text);
                for (long id : ids) assertTrue(id != unk, "unknown token in " + text);
                assertEquals(text, tok.decode(ids));
                var enc = tok.encode(f.prompt());
                int[] r = org.rome4j.model.TextTokenizer.subjectRange(enc, f.subject());
                assertEquals(f.prompt().indexOf(f.subject()), enc.starts()[r[0]], f.prompt());
                int end = f.prompt().indexOf(f.subject()) + f.subject().length();
                assertTrue(enc.ends()[r[1] - 1] >= end && (r[1] == enc.size() || enc.starts()[r[1]] >= end), f.prompt());
            }
        }
    }

    @Test
    void shipsItsTrainingRecordAndStaysSmall() throws Exception {
        URL weights = Models.class.getResource("/rome4j/models/tiny-facts/model.safetensors");
        assertNotNull(weights);
        long size;
        try (InputStream in = weights.openStream()) {
            size = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertTrue(size <= 20L * 1024 * 1024, "checkpoint is " + size + " bytes");
        try (InputStream in = Models.class.getResourceAsStream("/rome4j/models/tiny-facts/training.json")) {
            assertNotNull(in, "training.json");
            JsonNode rec = new ObjectMapper().readTree(in);
            assertTrue(rec.path("accuracy").path("literal_prompts").asDouble() >= 0.95);
            assertTrue(rec.path("accuracy").has("held_out_phrasing"));
            assertTrue(rec.path("time").path("training_seconds").asDouble() > 0);
        }
    }
}
