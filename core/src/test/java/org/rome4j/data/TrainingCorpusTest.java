package org.rome4j.data;

import org.junit.jupiter.api.Test;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.options.EvalOptions;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an embedded model brings for editing: the text for its key statistics and its own CounterFact records. */
class TrainingCorpusTest {

    @Test
    void eachEmbeddedModelHasItsOwnTrainingText() throws Exception {
        try (Gpt bio = Models.load("tiny-biographies"); Gpt facts = Models.load("tiny-facts")) {
            List<String> docs = TrainingCorpus.of(bio).orElseThrow();
            assertEquals(1000, docs.size());
            // a biography states all 8 attributes of one person, each sentence naming them
            String first = docs.get(0);
            String name = KnownFacts.read(Models.resolve("tiny-biographies").resolve("facts.json")).get(0).subject();
            assertEquals(8, first.split("\\. ").length, first);
            assertEquals(8, first.split(java.util.regex.Pattern.quote(name), -1).length - 1, first);
            assertEquals(FactData.loadBundled().corpus(), TrainingCorpus.of(facts).orElseThrow());
            assertTrue(TrainingCorpus.describe(bio).contains("corpus.txt"));
        }
    }

    @Test
    void evalDefaultsToTheModelsOwnRecords() {
        Path dir = Models.resolve("tiny-biographies");
        EvalOptions none = parse();
        assertEquals(dir.resolve("counterfact.json"), none.datasetFile(dir));
        assertNull(none.datasetFile(Models.resolve("tiny-facts")), "tiny-facts ships none: known_1000");
        assertNull(none.datasetFile(null));
        assertNull(parse("--dataset", "known_1000").datasetFile(dir), "an explicit known_1000 wins");
        assertEquals(Path.of("x.json"), parse("--dataset", "x.json").datasetFile(dir));
    }

    private static EvalOptions parse(String... args) {
        EvalOptions o = new EvalOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }
}
