package org.rome4j.magics;

import org.junit.jupiter.api.Test;
import org.rome4j.eval.CounterFactEval;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Evaluations side by side: each row and bar is its own evaluation's post-edit score. */
class CounterFactComparisonTest {

    private static CounterFactResult result(double es, double ps, double ns) {
        Map<String, Double> pre = Map.of("ES", 1.0, "PS", 2.0, "NS", 99.0, "S", 1.5);
        Map<String, Double> post = Map.of("ES", es, "PS", ps, "NS", ns, "S", 3 / (1 / es + 1 / ps + 1 / ns));
        return new CounterFactResult(new CounterFactEval.Result(List.of(), pre, post), "test");
    }

    @Test
    void rowsAndBarsAreThePostScoresInOrder() {
        CounterFactComparison c = CounterFactComparison.of("edited layer", List.of("0", "4", "9"),
                List.of(result(100, 40, 90), result(100, 75, 80), result(90, 30, 95)));
        Table t = c.table();
        assertEquals(List.of("0", "4", "9"), t.stringColumn("edited layer").asList());
        assertEquals(List.of(40.0, 75.0, 30.0), t.doubleColumn("PS").asList());
        assertEquals(List.of(90.0, 80.0, 95.0), t.doubleColumn("NS").asList());
        var data = c.figure().toObjectNode().get("data");
        assertEquals(3, data.size(), "one bar series per score");
        assertEquals("PS", data.get(1).get("name").asText());
        assertEquals(75.0, data.get(1).get("y").get(1).asDouble());
        assertTrue(c.summary().startsWith("paraphrase score highest at edited layer 4:"), c.summary());
        CounterFactComparison tie = CounterFactComparison.of("edited layer", List.of("0", "4"),
                List.of(result(50, 66.7, 59), result(75, 66.7, 84)));
        assertTrue(tie.summary().startsWith("paraphrase score highest at edited layer 0 and 4:"), tie.summary());
        assertThrows(IllegalArgumentException.class, () -> CounterFactComparison.of("layer", List.of("0"), List.of()));
    }
}
