package org.rome4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without --facts, facts and trace-dataset use the facts the model was trained to know: tiny-biographies' own facts.json
 * (1,200 made-up facts), tiny-facts' bundled known_1000 (1,209).
 */
class ModelFactsTest {
    @Test
    void factsReadsTheModelsOwnFactsWithoutFacts() throws Exception {
        CliRun bio = CliRun.of("facts", "--model", "tiny-biographies", "--json");
        assertEquals(0, bio.status(), bio.err());
        JsonNode j = new ObjectMapper().readTree(bio.out());
        assertEquals(1200, j.get("total").asInt(), "tiny-biographies' facts.json");
        assertTrue(j.get("accuracy").asDouble() >= 0.95, bio.out());
        CliRun tiny = CliRun.of("facts", "--model", "tiny-facts", "--json");
        assertEquals(0, tiny.status(), tiny.err());
        assertEquals(1209, new ObjectMapper().readTree(tiny.out()).get("total").asInt(), "no facts.json: the bundled known_1000");
    }

    @Test
    void traceDatasetTracesTheModelsOwnFacts(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("bio");
        CliRun r = CliRun.of("trace-dataset", "--model", "tiny-biographies", "--limit", "2", "--samples", "2", "--out", out.toString(),
                "--json");
        assertEquals(0, r.status(), r.err());
        String csv = Files.readString(out.resolve("averages.csv"));
        assertTrue(csv.contains("last_subject"), csv);
        assertTrue(r.out().contains("\"traced\"") || r.out().contains("traced"), r.out());
        assertTrue(r.err().contains("Felix Mae Novak"), "the first facts of tiny-biographies' facts.json: " + r.err());
    }
}
