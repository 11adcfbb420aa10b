package org.rome4j.train;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.data.FactData;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiny-biographies recipe, reduced (2 layers, 32 wide, 20 people, 200 steps): the data generator and
 * the training loop are pure functions of the seed. The full recipe's finding is checked by
 * {@link CheckFinding}, not here.
 */
class TinyBiographiesRecipeTest {
    static final TrainTinyBiographies.Recipe SMALL =
            new TrainTinyBiographies.Recipe(3, 20, 4, 0, true, 2, 32, 2, 96, 200, 8, 3e-3, 20, 0.01);

    @BeforeAll
    static void oneThread() {
        // as the trainer runs (unless the engine was started already by another test in this JVM)
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) System.setProperty("ai.djl.pytorch.num_threads", "1");
        Djl.init();
    }

    @Test
    void generatorIsAFunctionOfTheSeed() throws Exception {
        Biographies a = Biographies.generate(150, 8, 1);
        Biographies b = Biographies.generate(150, 8, 1);
        assertEquals(a.people(), b.people());
        assertEquals(a.facts(), b.facts());
        assertEquals(a.biography(a.people().get(0), 0, new Random(5)), b.biography(b.people().get(0), 0, new Random(5)));
        assertNotEquals(a.people(), Biographies.generate(150, 8, 2).people());

        // the design the finding needs: distinct names, last names shared, every relation after the name
        Set<String> names = new HashSet<>();
        Map<String, Integer> byLast = new TreeMap<>();
        for (Biographies.Person p : a.people()) {
            assertTrue(names.add(p.name()));
            String[] w = p.name().split(" ");
            assertTrue(w.length == 2 || w.length == 3, p.name());
            byLast.merge(w[w.length - 1], 1, Integer::sum);
        }
        assertTrue(byLast.values().stream().allMatch(n -> n >= 3), "every last name shared: " + byLast);
        for (FactData.Fact f : a.facts()) assertTrue(f.prompt().startsWith(f.subject()), f.prompt());
        assertEquals(150 * 8, a.facts().size());
    }

    @Test
    void trainingIsAFunctionOfTheSeed(@TempDir Path tmp) throws Exception {
        Biographies data = Biographies.generate(SMALL.people(), SMALL.relations(), SMALL.seed());
        Path tok = Files.createDirectories(tmp.resolve("tok"));
        int vocab = TrainTinyBiographies.writeTokenizer(data, SMALL.pronouns(), tok);
        long t0 = System.nanoTime();
        TrainTinyBiographies.Run r1 = TrainTinyBiographies.train(SMALL, data, tok, vocab, 0, 0, s -> { });
        TrainTinyBiographies.Run r2 = TrainTinyBiographies.train(SMALL, data, tok, vocab, 0, 0, s -> { });
        System.out.printf("two reduced runs of %d steps in %.1fs%n", SMALL.steps(), (System.nanoTime() - t0) / 1e9);
        try (Gpt g1 = r1.gpt(); Gpt g2 = r2.gpt()) {
            assertArrayEquals(r1.losses(), r2.losses(), 0f, "same seed, same loss at every step");
            Map<String, NDArray> w1 = g1.parameters().all();
            Map<String, NDArray> w2 = g2.parameters().all();
            assertEquals(w1.keySet(), w2.keySet());
            for (String k : w1.keySet()) {
                assertArrayEquals(w1.get(k).toFloatArray(), w2.get(k).toFloatArray(), 0f, "weights of " + k);
            }
            // and it learns: the last 20 steps' loss is well below the first 20's
            assertTrue(mean(r1.losses(), 180, 200) < 0.7 * mean(r1.losses(), 0, 20),
                    "loss " + mean(r1.losses(), 0, 20) + " -> " + mean(r1.losses(), 180, 200));
        }
    }

    private static double mean(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return s / (to - from);
    }
}
