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
            StatsResult r = (StatsResult) new StatsMagic().call(s, ShellWords.split("--layer 1 --corpus " + corpus), null);
            assertTrue(updates[0] > 0, "progress reported");
            Table t = r.table();
            assertEquals(1, t.rowCount());
            assertTrue(r.stats().count() > 0);
            double trace = t.doubleColumn("trace").get(0);
            double share = t.doubleColumn("top_share").get(0);
            assertTrue(Double.isFinite(trace) && trace > 0, "trace " + trace);
            assertTrue(share > 0 && share <= 1 + 1e-9, "top share " + share);
            KeyStats stored = s.editing().stats(s, s.model(), 1, 0);
            assertSame(r.stats(), stored, "stored for %rome_edit");

            StatsResult def = (StatsResult) new StatsMagic().call(s, ShellWords.split("--layer 1"), null);
            assertTrue(def.stats().count() > r.stats().count(), "the model's own sentences give more tokens");
            assertSame(def.stats(), s.editing().stats(s, s.model(), 1, 0));

            EditResult e = (EditResult) new RomeMagics.EditMagic().call(s, ShellWords.split(
                    "\"{} professionally plays the sport of\" --subject \"Megan Rapinoe\" --target basketball --layer 1"), null);
            assertTrue(e.edit().post().targetProb() > e.edit().pre().targetProb(), e.summary());
            assertCosineOne(e.edit().updates().get(0).u(), inverseTimes(def.stats(), e.edit().updates().get(0).kMean()),
                    "the first edit used the statistics %stats stored");

            // with an edit active and C⁻¹ cached, --stats F.npz still takes over for the next edit
            Path npz = dir.resolve("small.npz");
            r.stats().write(npz);
            EditResult e2 = (EditResult) new RomeMagics.EditMagic().call(s, ShellWords.split(
                    "\"{} is a native speaker of\" --subject \"Danielle Darrieux\" --target English --layer 1 --stats " + npz), null);
            float[] k2 = e2.edit().updates().get(0).kMean();
            assertCosineOne(e2.edit().updates().get(0).u(), inverseTimes(r.stats(), k2), "the second edit used --stats");
            assertTrue(cosine(inverseTimes(def.stats(), k2), inverseTimes(r.stats(), k2)) < 0.99,
                    "the two statistics give different directions, so the check above can fail");

            // and %stats with edits active: later edits use the new statistics, undo stays exact
            StatsResult again = (StatsResult) new StatsMagic().call(s, ShellWords.split("--layer 1"), null);
            assertSame(again.stats(), s.editing().stats(s, s.model(), 1, 0));
            assertEquals(2, s.editing().current(s.model()).edits().size());
            new RomeMagics.UndoMagic().call(s, List.of("--all"), null);
            assertThrows(MagicException.class, () -> new StatsMagic().call(s, List.of(), null));
        } finally {
            s.setProgressSink(null);
            s.close();
        }
    }

    /** C⁻¹k in double precision, from the statistics' own inverse. */
    private static double[] inverseTimes(KeyStats st, float[] k) {
        float[] inv = st.inverse();
        int n = k.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int j = 0; j < n; j++) acc += (double) inv[i * n + j] * k[j];
            out[i] = acc;
        }
        return out;
    }

    private static double cosine(double[] a, double[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static void assertCosineOne(float[] u, double[] expected, String what) {
        double[] ud = new double[u.length];
        for (int i = 0; i < u.length; i++) ud[i] = u[i];
        double c = cosine(ud, expected);
        assertTrue(c > 0.9999, what + ": cosine " + c);
    }
}
