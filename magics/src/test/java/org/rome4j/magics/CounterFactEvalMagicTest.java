package org.rome4j.magics;

import org.junit.jupiter.api.Test;
import org.rome4j.model.Models;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code %counterfact_eval} on the embedded tiny-facts model. */
class CounterFactEvalMagicTest {
    @Test
    void evaluatesTwoCasesPreAndPostAndLeavesNoEdits() throws Exception {
        Session s = Session.global();
        s.setModel(Models.load("tiny-facts"), "tiny-facts");
        try {
            long[] last = {-1};
            s.setProgressSink((label, total) -> new Progress() {
                @Override
                public void update(long done, String note) {
                    last[0] = done;
                }

                @Override
                public void close() { }
            });
            CounterFactResult r = (CounterFactResult) new CounterFactEvalMagic().call(s,
                    ShellWords.split("--limit 2 --gen-tokens 5"), null);
            assertEquals(2, r.cases());
            assertEquals(2, last[0], "progress reached the end");
            Table t = r.table();
            assertEquals(2, t.rowCount());
            assertEquals(List.of("pre", "post"), t.stringColumn("phase").asList());
            for (String c : List.of("ES", "PS", "NS", "S", "EM", "PM", "NM", "GE")) {
                assertTrue(t.columnNames().contains(c), c);
                for (int i = 0; i < 2; i++) assertTrue(Double.isFinite(t.doubleColumn(c).get(i)), c + " row " + i);
            }
            // per case: the summary's post scores are the means of the per-case shares
            Table cases = r.casesTable();
            assertEquals(2, cases.rowCount());
            for (String c : List.of("ES", "PS", "NS")) {
                assertEquals(t.doubleColumn(c).get(1), cases.doubleColumn(c + "_post").mean(), 1e-9, c);
            }
            for (String c : List.of("p_new_pre", "p_new_post", "p_true_pre", "p_true_post")) {
                for (int i = 0; i < 2; i++) {
                    double p = cases.doubleColumn(c).get(i);
                    assertTrue(p > 0 && p <= 1, c + " " + p);
                }
            }
            assertTrue(cases.doubleColumn("p_true_pre").get(0) > cases.doubleColumn("p_new_pre").get(0),
                    "the model knows case 0's true object before the edit");
            assertNotNull(r.figure());
            assertEquals(2, r.figure().toObjectNode().get("data").size());
            assertFalse(r.summary().isBlank());
            assertEquals(0, ((Edits) new RomeMagics.ListMagic().call(s, List.of(), null)).edits().size(), "every edit undone");
            assertInstanceOf(Help.class, new CounterFactEvalMagic().call(s, List.of("--help"), null));
            MagicException e = assertThrows(MagicException.class,
                    () -> new CounterFactEvalMagic().call(s, ShellWords.split("--dataset /nonexistent.json"), null));
            assertTrue(e.getMessage().startsWith("%counterfact_eval: dataset not found"), e.getMessage());
        } finally {
            s.setProgressSink(null);
            s.close();
        }
    }
}
