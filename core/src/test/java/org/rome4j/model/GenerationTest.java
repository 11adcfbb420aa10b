package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** KV-cache generation against an independent full-recompute greedy loop. */
class GenerationTest {
    static Gpt gpt;

    @BeforeAll
    static void load() {
        gpt = Gpt.load(Shared.tinyGpt2());
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    /** Greedy decoding without a cache: one full forward per token. */
    static long[] greedyNoCache(long[] prompt, int n) {
        return LlamaFamilyTest.greedyNoCache(gpt, prompt, n);
    }

    @Test
    void cachedGreedyEqualsFullRecompute() {
        long[] prompt = gpt.tokenizer().ids("The Space Needle is located in the city of");
        long[] want = greedyNoCache(prompt, 12);
        List<long[]> got = Generator.builder().maxNewTokens(12).stopAtEos(false).build().generateIds(gpt, List.of(prompt));
        assertArrayEquals(want, got.get(0));
    }

    @Test
    void leftPaddedBatchEqualsEachPromptAlone() {
        List<String> prompts = List.of("Apple was founded by", "The Space Needle is located in the city of",
                "Michael Jordan plays the sport of");
        Generator g = Generator.builder().maxNewTokens(8).stopAtEos(false).build();
        List<Generator.Result> batched = g.generate(gpt, prompts);
        for (int i = 0; i < prompts.size(); i++) {
            Generator.Result alone = g.generate(gpt, List.of(prompts.get(i))).get(0);
            assertArrayEquals(alone.newIds(), batched.get(i).newIds(), prompts.get(i));
            assertEquals(alone.text(), batched.get(i).text());
        }
    }

    @Test
    void topKIsSeededAndStaysInTopK() {
        List<String> p = List.of("The Eiffel Tower is in");
        Generator a = Generator.builder().maxNewTokens(10).topK(5).seed(7).stopAtEos(false).build();
        long[] x = a.generate(gpt, p).get(0).newIds();
        long[] y = a.generate(gpt, p).get(0).newIds();
        assertArrayEquals(x, y, "same seed, same text");
        long[] z = Generator.builder().maxNewTokens(10).topK(5).seed(8).stopAtEos(false).build().generate(gpt, p).get(0).newIds();
        assertNotEquals(java.util.Arrays.toString(x), java.util.Arrays.toString(z), "another seed, another text");
        // the first sampled token is among the 5 most likely next tokens
        long[] ids = gpt.tokenizer().ids(p.get(0));
        try (NDManager scope = gpt.newScope()) {
            NDArray logits = gpt.forwardLast(scope, Batch.of(ids), Interventions.NONE).logits().flatten();
            long[] top5 = logits.argSort(0, false).get("0:5").toLongArray();
            assertTrue(java.util.Arrays.stream(top5).anyMatch(t -> t == x[0]), "first token in top 5");
        }
    }

    @Test
    void fullTextIsThePromptAndContinuationDecodedTogether() {
        // the embedded word-level tokenizer strips the prefix space of a lone token: "Paris", not " Paris"
        try (Gpt facts = Models.load(Models.DEFAULT)) {
            String prompt = "Vinson Massif is located in the continent of";
            Generator.Result r = Generator.builder().maxNewTokens(3).build().generate(facts, List.of(prompt)).get(0);
            long[] all = java.util.Arrays.copyOf(r.promptIds(), r.promptIds().length + r.newIds().length);
            System.arraycopy(r.newIds(), 0, all, r.promptIds().length, r.newIds().length);
            assertEquals(facts.tokenizer().decode(all), r.fullText());
            assertTrue(r.text().startsWith(" "), "continuation keeps its space: \"" + r.text() + "\"");
        }
    }

    @Test
    void contextOverflowIsAClearError() {
        long[] ids = new long[gpt.config().nPositions()];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Generator.builder().build().generateIds(gpt, List.of(ids)));
        assertTrue(e.getMessage().contains("shorten the prompt"), e.getMessage());
    }
}
