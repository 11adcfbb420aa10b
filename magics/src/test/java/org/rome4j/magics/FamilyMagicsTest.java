package org.rome4j.magics;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.rome.KeyStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** %load_model (with --dtype), %logit_lens, %trace, %generate and %rome_edit on the tiny GPT-J, NeoX and Llama folders. */
class FamilyMagicsTest {
    static Path arch(String family) {
        return Shared.arch(family);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gptj", "gpt_neox", "llama"})
    void magicsOnEachFamily(String family, @TempDir Path tmp) throws Exception {
        Session s = Session.global();
        try {
            String dtype = family.equals("llama") ? "bf16" : "f32";
            ModelInfo info = (ModelInfo) new LoadModelMagic().call(s, ShellWords.split(arch(family) + " --dtype " + dtype), null);
            assertEquals(family, info.config().modelType());
            assertEquals(dtype, info.dtype());
            assertTrue(info.partCounts().keySet().containsAll(List.of("embeddings", "layer 0", "layer 3", "final norm", "head")),
                    info.partCounts().toString());
            Gpt gpt = s.model();
            String prompt = "Michael Jordan plays the sport of";
            LogitLens lens = (LogitLens) new LogitLensMagic().call(s, ShellWords.split("\"" + prompt + "\""), null);
            try (NDManager scope = gpt.newScope()) {
                long arg = gpt.forwardLast(scope, Batch.of(gpt.tokenizer().ids(prompt)), Interventions.NONE).logits().flatten()
                        .argMax().getLong();
                assertEquals(gpt.tokenizer().tokenText(arg), lens.lastTop(gpt.nLayer() - 1),
                        "the lens's last layer is the model's own prediction (its norm and head)");
            }
            Trace t = (Trace) new TraceMagic().call(s, ShellWords.split(
                    "\"" + prompt + "\" --subject \"Michael Jordan\" --kind mlp --samples 3"), null);
            assertEquals(4, t.first().layers());
            Generation g = (Generation) new GenerateMagic().call(s, ShellWords.split("\"Apple was founded by\""), null);
            assertTrue(g.text().startsWith("Apple was founded by"), g.text());

            Path rome = arch(family).resolve("rome");
            Path corpus = arch(family).resolve("../../tiny-gpt2/rome/corpus.txt").normalize();
            Path stats = tmp.resolve("stats.npz");
            KeyStats.collector(gpt, 1).collect(KeyStats.corpus(List.of(corpus))).write(stats);
            String w = gpt.rewritableWeight(1);
            float[] before = gpt.parameters().f32(w, gpt.parameters().manager()).toFloatArray();
            EditResult e = (EditResult) new RomeMagics.EditMagic().call(s, ShellWords.split("\"{} plays the sport of\" "
                    + "--subject \"Michael Jordan\" --target football --hparams " + rome.resolve("hparams.json") + " --stats " + stats),
                    null);
            assertTrue(e.edit().post().targetProb() > e.edit().pre().targetProb(), e.summary());
            new RomeMagics.UndoMagic().call(s, List.of(), null);
            assertTrue(java.util.Arrays.equals(before, gpt.parameters().f32(w, gpt.parameters().manager()).toFloatArray()),
                    "undo is bit-exact");
            assertTrue(Files.exists(stats));
        } finally {
            s.close();
        }
    }
}
