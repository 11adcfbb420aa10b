package org.rome4j.magics;

import org.junit.jupiter.api.Test;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ROME magics on the embedded tiny-facts model. */
class RomeMagicsTest {
    @Test
    void editRaisesTheTargetAndUndoRestoresTheBytes() throws Exception {
        Session s = Session.global();
        s.setModel(Models.load("tiny-facts"), "tiny-facts");
        try {
            Gpt gpt = s.model();
            String w = "transformer.h.0.mlp.c_proj.weight";     // the tiny-facts preset edits layer 0
            float[] before = gpt.parameters().get(w).toFloatArray();
            List<String> bars = new java.util.ArrayList<>();
            long[] furthest = {0};
            s.setProgressSink((label, total) -> {
                bars.add(label);
                return new Progress() {
                    @Override
                    public void update(long done, String note) {
                        if (label.startsWith("ROME edit")) furthest[0] = Math.max(furthest[0], done);
                    }

                    @Override
                    public void close() { }
                };
            });
            EditResult e = (EditResult) new RomeMagics.EditMagic().call(s, ShellWords.split(
                    "\"{} professionally plays the sport of\" --subject \"Megan Rapinoe\" --target basketball --true soccer"), null);
            assertEquals(List.of(0), e.edit().layers());
            // the v* search shows a bar that moves (per mille of the steps) while it runs
            assertTrue(bars.contains("ROME edit at layers [0]: v* search"), bars.toString());
            assertTrue(furthest[0] > 500, "the bar reached " + furthest[0] + " of 1000");
            assertFalse(java.util.Arrays.equals(before, gpt.parameters().get(w).toFloatArray()), "the edit changed the weight");
            assertTrue(e.edit().post().targetProb() > e.edit().pre().targetProb(), e.summary());
            assertEquals(2, e.table().rowCount());
            assertEquals(1, ((Edits) new RomeMagics.ListMagic().call(s, List.of(), null)).edits().size());
            Edits left = (Edits) new RomeMagics.UndoMagic().call(s, List.of(), null);
            assertEquals(0, left.edits().size());
            assertArrayEquals(before, gpt.parameters().get(w).toFloatArray(), "undo is bit-exact");
            MagicException none = assertThrows(MagicException.class, () -> new RomeMagics.UndoMagic().call(s, List.of(), null));
            assertEquals("%rome_undo: no active edits", none.getMessage());
        } finally {
            s.close();
        }
    }

    /** The kernel keeps the embedded model's statistics in the statistics cache ($ROME4J_CACHE/stats), where rome4j edit finds them. */
    @Test
    void theEmbeddedModelsStatisticsAreCachedWhereTheCliFindsThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path cache) throws Exception {
        String before = System.getProperty("rome4j.cache");
        System.setProperty("rome4j.cache", cache.toString());
        try {
            List<String> computed = new java.util.ArrayList<>();
            for (int run = 0; run < 2; run++) {
                Session s = new Session();
                s.setProgressSink((label, total) -> {
                    computed.add(label);
                    return Progress.NONE;
                });
                s.setModel(Models.load("tiny-facts"), "tiny-facts");
                try {
                    new RomeMagics.EditMagic().call(s, ShellWords.split("\"{} plays the sport of\" --subject \"Megan Rapinoe\" --target basketball"), null);
                } finally {
                    s.close();
                }
            }
            org.rome4j.rome.RomeHparams hp = org.rome4j.rome.RomeHparams.preset("tiny-facts");
            java.nio.file.Path f = org.rome4j.rome.KeyStats.cachePath(cache.resolve("stats"), "tiny-facts", hp.mom2Dataset(),
                    hp.rewriteModuleTmp().replace("{}", "0"), hp.mom2Dtype(), hp.mom2NSamples());
            assertTrue(java.nio.file.Files.isRegularFile(f), "cached at " + f);
            assertEquals(1, computed.stream().filter(l -> l.startsWith("key statistics")).count(), "computed once, then read back: " + computed);
        } finally {
            if (before == null) System.clearProperty("rome4j.cache");
            else System.setProperty("rome4j.cache", before);
        }
    }

    @Test
    void editingOptionsSetLayerAndFactToken() throws Exception {
        Session s = Session.global();
        s.setModel(Models.load("tiny-facts"), "tiny-facts");
        try {
            java.util.function.Function<String, RomeMagics.EditMagic.Options> parse = line -> {
                RomeMagics.EditMagic.Options o = new RomeMagics.EditMagic().options();
                new MagicSpec(o, false).parse(ShellWords.split(line));
                return o;
            };
            var hp = parse.apply("\"{} is in\" --subject X --target Y --layer 2 --fact-token last").hparams.resolve("tiny-facts", s.model());
            assertEquals(List.of(2), hp.layers());
            assertEquals("last", hp.factToken().key());
            assertEquals("subject_last", parse.apply("\"{} is in\" --subject X --target Y").hparams.resolve("tiny-facts", s.model())
                    .factToken().key(), "the preset's");
            MagicException bad = assertThrows(MagicException.class, () -> new RomeMagics.EditMagic().call(s,
                    ShellWords.split("\"{} is in\" --subject X --target Y --fact-token middle"), null));
            assertTrue(bad.getMessage().startsWith("%rome_edit: --fact-token is subject_last"), bad.getMessage());
            for (Magic<?> m : List.<Magic<?>>of(new CounterFactEvalMagic(), new RomeBatchMagic())) {
                assertTrue(m.spec().help().contains("--fact-token"), m.spec().name());
            }
        } finally {
            s.close();
        }
    }
}
