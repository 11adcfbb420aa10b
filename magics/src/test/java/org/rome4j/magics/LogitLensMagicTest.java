package org.rome4j.magics;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Magics on the golden tiny GPT-2 (../shared/golden/tiny-gpt2, or -Drome4j.shared). */
class LogitLensMagicTest {
    private static Session session;

    static Path golden() {
        return Shared.tinyGpt2();
    }

    @BeforeAll
    static void load() {
        session = Session.global();
        session.setModel(Models.load(golden().toString()));
    }

    @AfterAll
    static void close() {
        if (session != null) session.close();   // null when @BeforeAll was skipped (no reference data)
    }

    @Test
    void lastLayerOfTheLensIsTheModelsOwnPrediction() throws Exception {
        String prompt = "The Eiffel Tower is located in the city of";
        LogitLens lens = (LogitLens) new LogitLensMagic().call(session, ShellWords.split("\"" + prompt + "\""), null);
        Gpt gpt = session.model();
        float[] logits;
        try (NDManager scope = gpt.newScope()) {
            logits = gpt.forwardLast(scope, Batch.of(gpt.tokenizer().ids(prompt)), Interventions.NONE).logits().toFloatArray();
        }
        NextTokens top = NextTokens.top(gpt, logits, 1);
        assertEquals(gpt.nLayer(), lens.layers());
        assertEquals(top.tokens().get(0), lens.lastTop(gpt.nLayer() - 1), "final norm + head applied to layer.L-1.out = logits");
        assertEquals(top.probs().get(0), lens.topProb()[gpt.nLayer() - 1][lens.tokens().length - 1], 1e-4);
        assertEquals(gpt.nLayer() * lens.tokens().length, lens.table().rowCount());
        // unique y labels even when tokens repeat
        var y = lens.figure().toObjectNode().path("data").get(0).path("y");
        assertEquals(lens.tokens().length, java.util.stream.StreamSupport.stream(y.spliterator(), false).map(n -> n.asText()).distinct().count());
        assertTrue(lens.figure().toObjectNode().path("layout").path("title").has("text"));
        // labels are the prompt's own text (no byte-level "Ġ"), every token and every layer ticked, darker = likelier
        assertEquals(prompt, String.join("", lens.tokens()));
        var fig = lens.figure().toObjectNode();
        assertEquals(1, fig.path("layout").path("xaxis").path("dtick").asInt());
        assertEquals(1, fig.path("layout").path("yaxis").path("dtick").asInt());
        var scale = fig.path("data").get(0).path("colorscale");
        assertTrue(luminance(scale.get(0).get(1).asText()) > luminance(scale.get(scale.size() - 1).get(1).asText()),
                "light at p = 0, dark at p = 1");
        assertTrue(!fig.path("layout").has("width"), "no fixed width");
    }

    private static double luminance(String hex) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        return 0.299 * (rgb >> 16) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff);
    }

    @Test
    void generateIsGreedyAndReproducible() throws Exception {
        Generation a = (Generation) new GenerateMagic().call(session, List.of("Hello world", "--max-new-tokens", "4"), null);
        Generation b = (Generation) new GenerateMagic().call(session, List.of("Hello world", "--max-new-tokens", "4"), null);
        assertEquals(a.completion(), b.completion());
        assertTrue(!a.completion().isEmpty());
        assertEquals(3, a.table().columnCount());
        assertEquals(10, a.next().tokens().size());
    }

    @Test
    void traceOfAllKindsGivesThreeHeatmapsSideBySide() throws Exception {
        Trace t = (Trace) new TraceMagic().call(session,
                ShellWords.split("\"The Space Needle is located in the city of\" --subject \"The Space Needle\" --samples 2"), null);
        assertEquals(3, t.results().size());
        var fig = t.figure().toObjectNode();
        assertEquals(3, fig.path("data").size());
        assertEquals("x3", fig.path("data").get(2).path("xaxis").asText());
        assertTrue(fig.path("layout").has("xaxis3"));
        assertEquals(t.results().stream().mapToInt(r -> r.table().rowCount()).sum(), t.table().rowCount());
    }

    @Test
    void subjectMustBeInThePrompt() {
        MagicException e = org.junit.jupiter.api.Assertions.assertThrows(MagicException.class, () -> new TraceMagic().call(session,
                ShellWords.split("\"The Space Needle is in\" --subject Paris"), null));
        assertEquals("%trace: the subject \"Paris\" does not occur in the prompt \"The Space Needle is in\"", e.getMessage());
    }
}
