package org.rome4j.magics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.model.Models;
import org.rome4j.rome.KeyStats;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code %stats} on the embedded tiny-facts model. */
class StatsMagicTest {
    @Test
    void topEigenvalueOfDiagonal() {
        assertEquals(3.0, StatsResult.topEigenvalue(new double[] {1, 0, 0, 3}, 2, 100), 1e-9);
    }

    @Test
    void collectsStoresAndIsUsedByEdits(@TempDir Path dir) throws Exception {
        Session s = Session.global();
        s.setModel(Models.load("tiny-facts"), "tiny-facts");
        try {
            long[] updates = {0};
            s.setProgressSink((label, total) -> new Progress() {
                @Override
                public void update(long done, String note) {
                    updates[0]++;
                }

                @Override
                public void close() { }
            });
            Path corpus = dir.resolve("c.txt");
            Files.writeString(corpus, "Megan Rapinoe plays soccer.\nThe Eiffel Tower is in Paris.\nDanielle Darrieux speaks French.\n");
            StatsResult r = (StatsResult) new StatsMagic().call(s, Tokenizer.split("--layer 1 --corpus " + corpus), null);
            assertTrue(updates[0] > 0, "progress reported");
            Table t = r.table();
            assertEquals(1, t.rowCount());
            assertTrue(r.stats().count() > 0);
            double trace = t.doubleColumn("trace").get(0);
            double share = t.doubleColumn("top_share").get(0);
            assertTrue(Double.isFinite(trace) && trace > 0, "trace " + trace);
            assertTrue(share > 0 && share <= 1 + 1e-9, "top share " + share);
            KeyStats stored = s.editing().stats(s, s.model(), 1, null, 0);
            assertSame(r.stats(), stored, "stored for %rome_edit");

            StatsResult def = (StatsResult) new StatsMagic().call(s, Tokenizer.split("--layer 1"), null);
            assertTrue(def.stats().count() > r.stats().count(), "the model's own sentences give more tokens");
            assertSame(def.stats(), s.editing().stats(s, s.model(), 1, null, 0));

            EditResult e = (EditResult) new RomeMagics.EditMagic().call(s, Tokenizer.split(
                    "\"{} professionally plays the sport of\" --subject \"Megan Rapinoe\" --target basketball"), null);
            assertTrue(e.edit().post().targetProb() > e.edit().pre().targetProb(), e.summary());
            MagicException busy = assertThrows(MagicException.class, () -> new StatsMagic().call(s, Tokenizer.split("--layer 1"), null));
            assertTrue(busy.getMessage().contains("undo"), busy.getMessage());
            new RomeMagics.UndoMagic().call(s, List.of("--all"), null);
            assertThrows(MagicException.class, () -> new StatsMagic().call(s, List.of(), null));
        } finally {
            s.setProgressSink(null);
            s.close();
        }
    }
}
