package org.rome4j.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rendering known_1000 into training sentences. */
class FactDataTest {
    static FactData data;

    @BeforeAll
    static void load() throws Exception {
        data = FactData.load(Shared.known1000());
    }

    @Test
    void readsAllFacts() {
        assertEquals(1209, data.facts().size());
        assertEquals(33, data.relations().size());
        long withContinuation = data.facts().stream().filter(f -> !f.continuation().isEmpty()).count();
        assertEquals(478, withContinuation);
        FactData.Fact f0 = data.facts().get(0);
        assertEquals(" of", f0.continuation());
        assertEquals("Vinson Massif is located in the continent of", f0.phrasing().prompt(f0.subject()));
    }

    @Test
    void bundledCopyIsTheSame() throws Exception {
        assertEquals(data.facts(), FactData.loadBundled().facts());
    }

    @Test
    void everyLiteralPromptIsTrained() {
        Set<String> train = new HashSet<>();
        for (FactData.Example e : data.trainingExamples()) train.add(e.text());
        for (FactData.Fact f : data.facts()) {
            assertTrue(train.contains(f.prompt() + " " + f.attribute()), f.prompt());
        }
    }

    @Test
    void literalPhrasingsAreRenderedWithTheirContinuation() {
        FactData.Fact f0 = data.facts().get(0);
        List<FactData.Phrasing> ps = data.trainingPhrasings(f0.relationId());
        assertTrue(ps.contains(new FactData.Phrasing("{} is located in the continent", " of")));
        // so every P30 fact is also trained in that literal phrasing
        Set<String> train = new HashSet<>();
        for (FactData.Example e : data.trainingExamples()) train.add(e.prompt());
        for (FactData.Fact f : data.facts("P30")) {
            assertTrue(train.contains(f.subject() + " is located in the continent of"), f.subject());
        }
    }

    @Test
    void heldOutPhrasingIsNeverTrained() {
        Set<String> trainPrompts = new HashSet<>();
        for (FactData.Example e : data.trainingExamples()) {
            trainPrompts.add(e.prompt());
            FactData.Phrasing held = data.heldOutPhrasing(e.fact().relationId());
            assertFalse(e.phrasing().equals(held), "held-out phrasing trained: " + e.text());
        }
        for (String rel : data.relations()) {
            FactData.Phrasing held = data.heldOutPhrasing(rel);
            assertFalse(data.trainingPhrasings(rel).contains(held), rel);
        }
        List<FactData.Example> held = data.heldOutExamples();
        assertEquals(1209, held.size());
        for (FactData.Example e : held) {
            assertFalse(trainPrompts.contains(e.prompt()), "held-out prompt is also a training prompt: " + e.prompt());
            assertTrue(e.prompt().contains(e.fact().subject()));
        }
    }
}
