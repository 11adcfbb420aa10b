package org.rome4j.rome;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.SentencePieceFixture;
import org.rome4j.model.Gpt;
import org.rome4j.model.TextTokenizer;
import org.rome4j.trace.CausalTrace;
import org.rome4j.trace.TraceResult;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Subject ranges, the fact token, ROME's prompts and the target's tokens with a Llama-2-style
 * tokenizer (BOS from the post-processor, {@code ▁} pieces): every position is found in one encoding
 * of the whole text, so the BOS and the pieces' leading {@code ▁} shift nothing.
 */
class BosTokenizerTest {
    static final String PROMPT = "Michael Jordan plays the sport of";
    @TempDir
    static Path tmp;
    static Gpt gpt;
    static TextTokenizer tok;

    @BeforeAll
    static void load() throws Exception {
        gpt = Gpt.load(SentencePieceFixture.write(tmp.resolve("llama-sp"), null));
        tok = gpt.tokenizer();
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    static long id(String piece) {
        long[] ids = tok.pieces(piece.replace('▁', ' ').stripLeading());
        assertEquals(1, ids.length, piece);
        return ids[0];
    }

    @Test
    void bosFromTheTemplateAndPiecesAfterAPrompt() {
        assertEquals(1, tok.bosId());
        long[] ids = tok.ids(PROMPT);
        assertEquals(7, ids.length);
        assertEquals(1, ids[0], "BOS first");
        assertEquals(id("▁Michael"), ids[1]);
        TextTokenizer.Encoded enc = tok.encode(PROMPT);
        assertEquals("<s>", enc.tokens()[0]);
        assertEquals("▁Jordan", enc.tokens()[2]);
        // alone, " football" is two pieces ▁ ▁football; after the prompt it is the one the model predicts
        assertArrayEquals(new long[] {3, id("▁football")}, tok.pieces(" football"));
        assertArrayEquals(new long[] {id("▁football")}, tok.continuation(PROMPT, " football"));
        assertArrayEquals(new long[] {id("▁Bill"), id("▁Gates")}, tok.continuation("Apple was founded by", " Bill Gates"));
        long[][] split = tok.split(PROMPT, " football");
        assertArrayEquals(ids, split[0], "the prompt part is the prompt's own ids, BOS included");
    }

    @Test
    void subjectRangeAndFactTokenCountTheBos() {
        assertArrayEquals(new int[] {1, 3}, TextTokenizer.subjectRange(tok.encode(PROMPT), "Michael Jordan"));
        assertEquals(2, FactToken.SUBJECT_LAST.index(tok, "{} plays the sport of", "Michael Jordan"));
        assertEquals(1, FactToken.SUBJECT_FIRST.index(tok, "{} plays the sport of", "Michael Jordan"));
        assertEquals(3, FactToken.SUBJECT_FIRST_AFTER_LAST.index(tok, "{} plays the sport of", "Michael Jordan"));
        assertEquals(6, FactToken.LAST.index(tok, "{} plays the sport of", "Michael Jordan"));
        // a context template in front: "<s> ▁The ▁city . ▁Michael ▁Jordan ..." puts the fact token at 5
        String t = "The city. {} plays the sport of";
        TextTokenizer.Encoded enc = tok.encode(Request.fill(t, "Michael Jordan"));
        int idx = FactToken.SUBJECT_LAST.index(tok, t, "Michael Jordan");
        assertEquals("▁Jordan", enc.tokens()[idx]);
        assertEquals(5, idx);
        // the subject written twice: the occurrence at the template's {} counts
        String twice = "Michael Jordan said: {} plays";
        TextTokenizer.Encoded e2 = tok.encode(Request.fill(twice, "Michael Jordan"));
        int i2 = FactToken.SUBJECT_LAST.index(tok, twice, "Michael Jordan");
        assertEquals("▁Jordan", e2.tokens()[i2]);
        assertTrue(i2 > 4, "second occurrence " + i2);
    }

    @Test
    void traceCorruptsTheSubjectNotTheBos() {
        TraceResult r = CausalTrace.builder(gpt).setPrompt(PROMPT).setSubject("Michael Jordan").optSamples(2).build().run();
        assertArrayEquals(new int[] {1, 3}, r.subjectRange());
        assertEquals("<s>", r.tokens().get(0));
    }

    @Test
    void romeEditsAtTheSubjectsLastPieceAndRaisesTheTarget() {
        com.fasterxml.jackson.databind.node.ObjectNode json = RomeHparams.preset("llama-family-untuned").toJson();
        json.putArray("layers").add(0);                                  // layer 1's attention carries the edit on
        json.put("v_loss_layer", 1).put("mom2_adjustment", false);     // no statistics for this random model
        RomeHparams hp = RomeHparams.parse(json, "test");
        Rome rome = Rome.builder(gpt).setHparams(hp).optTemplates(List.of("{}", "The city. {}", "Apple was founded. {}"))
                .optGenerationTokens(0).build();
        Edit e = rome.apply(Request.of("{} plays the sport of", "Michael Jordan", "football"));
        Update u = e.updates().get(0);
        assertEquals("model.layers.0.mlp.down_proj.weight", u.weightName());
        assertArrayEquals(new int[] {2, 5, 6}, u.keyIndices(), "▁Jordan in each context template (BOS counted)");
        // a random 2-layer model passes little from the subject to the last token; the edit still must help
        List<Double> p = u.targetProbPerIter();
        assertTrue(p.get(p.size() - 1) > 1.5 * p.get(0), "v* raises P(football) on the rewriting prompts: " + p);
        assertTrue(e.post().targetProb() > 1.5 * e.pre().targetProb(),
                "P(football) " + e.pre().targetProb() + " -> " + e.post().targetProb());
        rome.undo();
    }
}
