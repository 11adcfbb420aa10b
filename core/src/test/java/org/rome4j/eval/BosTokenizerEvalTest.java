package org.rome4j.eval;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.SentencePieceFixture;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CounterFact and zsRE target tokens with a BOS and sentencepiece pieces, against a direct forward. */
class BosTokenizerEvalTest {
    static final String PROMPT = "Michael Jordan plays the sport of";

    /** −log P(piece | BOS + prompt) from one forward. */
    static double nll(Gpt gpt, long piece) {
        try (NDManager scope = gpt.newScope()) {
            float[] logits = gpt.forwardLast(scope, Batch.of(gpt.tokenizer().ids(PROMPT)), Interventions.NONE).logits()
                    .logSoftmax(-1).toFloatArray();
            return -logits[(int) piece];
        }
    }

    @Test
    void counterFactAndZsreScoreTheTokensThatFollowThePrompt(@TempDir Path tmp) throws Exception {
        try (Gpt gpt = Gpt.load(SentencePieceFixture.write(tmp.resolve("sp"), true))) {
            long football = gpt.tokenizer().pieces("football")[0];
            long basketball = gpt.tokenizer().pieces("basketball")[0];
            assertEquals(1, gpt.tokenizer().bosId(), "add_bos_token true in tokenizer_config.json");
            double[][] got = CounterFactEval.testBatchPrediction(gpt, List.of(PROMPT), "football", "basketball");
            assertEquals(nll(gpt, football), got[0][0], 1e-5, "NLL of ▁football (one piece, not ▁ ▁football)");
            assertEquals(nll(gpt, basketball), got[0][1], 1e-5);
            // zsRE: one target piece, compared with the argmax after BOS + prompt
            boolean[] ok = ZsreEval.accuracy(gpt, PROMPT, " football");
            assertEquals(1, ok.length, "one answer token");
            try (NDManager scope = gpt.newScope()) {
                long arg = gpt.forwardLast(scope, Batch.of(gpt.tokenizer().ids(PROMPT)), Interventions.NONE).logits()
                        .flatten().argMax().getLong();
                assertEquals(arg == football, ok[0]);
            }
        }
        try (Gpt gpt = Gpt.load(SentencePieceFixture.write(tmp.resolve("nobos"), false))) {
            assertEquals(-1, gpt.tokenizer().bosId(), "add_bos_token false wins over the template");
            assertTrue(gpt.tokenizer().ids(PROMPT)[0] != 1);
            assertArrayEquals(gpt.tokenizer().pieces(PROMPT), gpt.tokenizer().ids(PROMPT));
        }
    }
}
