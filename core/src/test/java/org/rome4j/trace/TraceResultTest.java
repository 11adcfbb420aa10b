package org.rome4j.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.rome4j.display.Figure;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TraceResult as a value: table, figure in the paper's style, JSON round trip. No model needed. */
class TraceResultTest {
    static TraceResult result(Kind kind, String expect) {
        String[] tokens = {"The", " the", " the", " is", " in"};
        double[][] scores = {{0.1, 0.2}, {0.3, 0.4}, {0.5, 0.6}, {0.15, 0.25}, {0.05, 0.9}};
        return new TraceResult("tiny", "The the the is in", "The the the", tokens, new long[] {1, 2, 2, 3, 4},
                new int[] {0, 3}, new int[] {0, 1, 2, 3, 4}, scores, 0.04, 0.9, 42, " Paris", kind, 10, null, "s3", 1.5, 10,
                expect);
    }

    @Test
    void tableHasOneRowPerCellWithIndirectEffect() {
        TraceResult r = result(Kind.MLP, null);
        Table t = r.table();
        assertEquals(List.of("token_index", "token", "is_subject", "layer", "kind", "score", "indirect_effect"), t.columnNames());
        assertEquals(10, t.rowCount());
        assertEquals(2, t.intColumn("token_index").getInt(4));
        assertEquals(" the", t.stringColumn("token").get(4));
        assertTrue(t.booleanColumn("is_subject").get(4));
        assertFalse(t.booleanColumn("is_subject").get(6));
        assertEquals(0.5 - 0.04, t.doubleColumn("indirect_effect").getDouble(4), 1e-15);
        assertEquals("mlp", t.stringColumn("kind").get(0));
        assertEquals(0.9 - 0.04, r.totalEffect(), 1e-15);
    }

    @Test
    void figureIsThePapersHeatmap() {
        for (Kind k : Kind.values()) {
            Figure f = result(k, null).figure();
            JsonNode fig = f.toObjectNode();
            JsonNode tr = fig.get("data").get(0);
            assertEquals("heatmap", tr.get("type").asText());
            assertEquals(0.04, tr.get("zmin").asDouble(), 0);
            assertEquals(0.9, tr.get("zmax").asDouble(), 0);
            // unique, starred labels: the repeated " the" stays two rows
            List<String> y = new ObjectMapper().convertValue(tr.get("y"), new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { });
            assertEquals(List.of("0:The*", "1: the*", "2: the*", "3: is", "4: in"), y);
            assertEquals("p(Paris)", tr.get("colorbar").get("title").get("text").asText());
            String first = tr.get("colorscale").get(0).get(1).asText();
            String last = tr.get("colorscale").get(8).get(1).asText();
            switch (k) {
                case RESID -> {
                    assertEquals("Impact of restoring state after corrupted input", f.title());
                    assertEquals("single restored layer (of 2)", fig.get("layout").get("xaxis").get("title").get("text").asText());
                    assertEquals("#3f007d", last);   // Purples, dark end
                }
                case MLP -> {
                    assertEquals("Impact of restoring MLP after corrupted input", f.title());
                    assertEquals("center of 10 restored MLP layers (of 2)",
                            fig.get("layout").get("xaxis").get("title").get("text").asText());
                    assertEquals("#00441b", last);   // Greens
                }
                case ATTN -> {
                    assertEquals("Impact of restoring Attn after corrupted input", f.title());
                    assertEquals("#67000d", last);   // Reds
                }
                default -> throw new AssertionError();
            }
            assertTrue(first.startsWith("#f") || first.startsWith("#fff"), "light low end " + first);
            assertEquals("reversed", fig.get("layout").get("yaxis").get("autorange").asText());
        }
    }

    @Test
    void jsonRoundTripAndExpectation() {
        TraceResult r = result(Kind.ATTN, "Rome");
        assertFalse(r.correct());
        assertTrue(result(Kind.ATTN, "Paris").correct());
        assertNull(result(Kind.ATTN, null).correct());
        TraceResult back = TraceResult.fromJson(r.toJson());
        assertEquals(r.toJson(), back.toJson());
        assertArrayEquals(r.scores()[4], back.scores()[4]);
        assertEquals(Kind.ATTN, back.kind());
        assertEquals(false, r.toMap().get("correct_prediction"));
    }

    @Test
    void valuesCannotBeChangedFromOutside() {
        TraceResult r = result(Kind.RESID, null);
        r.scores()[0][0] = 99;
        r.subjectRange()[0] = 7;
        assertEquals(0.1, r.score(0, 0));
        assertEquals(0, r.subjectRange()[0]);
        assertThrows(UnsupportedOperationException.class, () -> r.tokens().set(0, "x"));
    }

    @Test
    void theDefaultWindowIsTheOriginals10Of48LayersScaledToTheDepth() {
        assertEquals(10, Kind.scaledWindow(48));   // GPT-2 XL, as the original code traces it
        assertEquals(6, Kind.scaledWindow(28));    // GPT-J: 5.83
        assertEquals(3, Kind.scaledWindow(12));    // GPT-2: 2.5 rounds up
        assertEquals(2, Kind.scaledWindow(10));
        assertEquals(1, Kind.scaledWindow(4));     // tiny-facts: one layer, never zero
        assertEquals(1, Kind.scaledWindow(1));
        assertThrows(IllegalArgumentException.class, () -> Kind.scaledWindow(0));
    }

    @Test
    void windowFollowsTheOriginalCode() {
        // range(max(0, l - w // 2), min(n, l - (-w // 2)))
        assertArrayEquals(new int[] {0, 5}, Kind.MLP.window(0, 10, 48));
        assertArrayEquals(new int[] {15, 25}, Kind.MLP.window(20, 10, 48));
        assertArrayEquals(new int[] {42, 48}, Kind.ATTN.window(47, 10, 48));
        assertArrayEquals(new int[] {19, 22}, Kind.MLP.window(20, 3, 48));   // w=3: [l-1, l+2)
        assertArrayEquals(new int[] {20, 21}, Kind.MLP.window(20, 1, 48));
        assertArrayEquals(new int[] {5, 6}, Kind.RESID.window(5, 10, 12));
    }

    @Test
    void noiseSpecs() {
        assertTrue(Noise.parse("s3").relative());
        assertEquals(3.0, Noise.parse("s3").factor());
        assertEquals(1.5, Noise.parse("s3").scaleFor(0.5));
        assertEquals(Noise.Distribution.UNIFORM, Noise.parse("u3").distribution());
        assertEquals(0.1, Noise.parse("0.1").scaleFor(7.0));
        assertThrows(IllegalArgumentException.class, () -> Noise.parse("x3"));
        assertThrows(IllegalArgumentException.class, () -> Noise.parse("t2"));
        double[] a = Noise.parse("0.1").draw(2, 3, 4);
        assertArrayEquals(a, Noise.parse("0.1").draw(2, 3, 4));
        assertFalse(java.util.Arrays.equals(a, Noise.parse("0.1").withSeed(2).draw(2, 3, 4)));
        for (double u : Noise.parse("u1").draw(3, 2, 50)) assertTrue(u >= -1 && u < 1);
        Noise supplied = Noise.fixed(1).withDraws(new long[] {2, 1, 2}, new double[] {1, 2, 3, 4});
        assertArrayEquals(new double[] {1, 2, 3, 4}, supplied.draw(2, 1, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> supplied.draw(10, 1, 2));
        assertTrue(e.getMessage().contains("[2, 1, 2]") && e.getMessage().contains("[10, 1, 2]"), e.getMessage());
    }
}
