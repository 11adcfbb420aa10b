package org.rome4j.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Words tiny-facts does not know are named in one line by every command; an edit to an unknown target is refused. */
class UnknownWordsCliTest {
    private static long notes(String err) {
        return err.lines().filter(l -> l.startsWith("note: tiny-facts does not know the word") && l.contains("\"Zorblax\"")).count();
    }

    @Test
    void traceGenerateLogitsAndEditNameUnknownWords() {
        CliRun trace = CliRun.of("trace", "--prompt", "Zorblax Megan Rapinoe plays the sport of", "--subject", "Megan Rapinoe",
                "--samples", "2", "--kind", "mlp", "--json");
        assertEquals(0, trace.status(), trace.err());
        assertEquals(1, notes(trace.err()), trace.err());
        CliRun gen = CliRun.of("generate", "--prompt", "Zorblax plays the sport of", "--max-new-tokens", "2");
        assertEquals(0, gen.status(), gen.err());
        assertEquals(1, notes(gen.err()), gen.err());
        CliRun logits = CliRun.of("logits", "--prompt", "Zorblax plays", "--json");
        assertEquals(1, notes(logits.err()), logits.err());
        CliRun known = CliRun.of("logits", "--prompt", "Megan Rapinoe plays the sport of", "--json");
        assertEquals(0, known.err().lines().filter(l -> l.startsWith("note:")).count(), known.err());
    }

    @Test
    void editRefusesATargetThatIsEntirelyUnknown(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        CliRun r = CliRun.of("edit", "--prompt", "{} plays the sport of", "--subject", "Megan Rapinoe", "--target", "Zorblax Quux",
                "--stats-dir", tmp.toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("entirely unknown"), r.err());
        assertEquals(1, notes(r.err()), r.err());
    }

    /** facts counts the facts with unknown words in one line (none for known_1000, which tiny-facts was trained on). */
    @Test
    void factsCountsFactsWithUnknownWords() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("facts", ".json");
        try {
            java.nio.file.Files.writeString(f, "[{\"known_id\": 0, \"subject\": \"Zorblax\", \"attribute\": \"soccer\", "
                    + "\"template\": \"{} plays\", \"prediction\": \" soccer\", \"prompt\": \"Zorblax plays the sport of\", \"relation_id\": \"P641\"}]");
            CliRun r = CliRun.of("facts", "--facts", f.toString(), "--json");
            assertEquals(0, r.status(), r.err());
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("note: 1 of 1 facts have words tiny-facts does not know")).count(), r.err());
            CliRun known = CliRun.of("facts", "--facts", org.rome4j.Shared.known1000().toString(), "--json");
            assertEquals(0, known.err().lines().filter(l -> l.startsWith("note:")).count(), known.err());
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }
}
