package org.rome4j.train;

import org.rome4j.data.FactData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.model.TextTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The word-level tokenizer covers known_1000 exactly: no unknown tokens, offsets find subjects, decoding rebuilds text. */
class WordTokenizerBuilderTest {
    static FactData data;
    static TextTokenizer tok;
    static long unk;

    @BeforeAll
    static void build() throws Exception {
        data = FactData.load(Shared.known1000());
        Path dir = Files.createTempDirectory("wtb");
        WordTokenizerBuilder b = new WordTokenizerBuilder().addAll(data.corpus());
        b.write(dir);
        tok = TextTokenizer.load(dir);
        unk = b.vocab().get(WordTokenizerBuilder.UNK);
    }

    @AfterAll
    static void close() {
        if (tok != null) tok.close();   // null when @BeforeAll was skipped (no reference data)
    }

    static void noUnk(String text) {
        for (long id : tok.ids(text)) {
            assertTrue(id != unk, "unknown token in \"" + text + "\": " + String.join("|", tok.encode(text).tokens()));
        }
    }

    @Test
    void padIsEndOfText() {
        assertEquals(0, tok.padId());
        assertEquals(1, tok.ids(WordTokenizerBuilder.EOS).length);
    }

    @Test
    void everyPromptSubjectAndAttributeRoundTrips() {
        for (FactData.Fact f : data.facts()) {
            noUnk(f.prompt());
            noUnk(f.subject());
            noUnk(" " + f.attribute());
            assertEquals(f.prompt(), tok.decode(tok.ids(f.prompt())), "decode of the prompt");
            String full = f.prompt() + " " + f.attribute();
            assertEquals(full, tok.decode(tok.ids(full)), "decode of prompt + attribute");
            long[] p = tok.ids(f.prompt());
            long[] pa = tok.ids(full);
            long[] a = tok.ids(" " + f.attribute());
            // the prompt's tokens are a prefix of prompt + attribute's, and the attribute's tokens follow
            assertEquals(p.length + a.length, pa.length, full);
            for (int i = 0; i < p.length; i++) assertEquals(p[i], pa[i], full);
            for (int i = 0; i < a.length; i++) assertEquals(a[i], pa[p.length + i], full);
        }
    }

    @Test
    void heldOutAndTrainingSentencesHaveNoUnknownTokens() {
        for (FactData.Example e : data.trainingExamples()) noUnk(e.text());
        for (FactData.Example e : data.heldOutExamples()) noUnk(e.text());
    }

    @Test
    void offsetsFindTheSubjectTokens() {
        for (FactData.Fact f : data.facts()) {
            TextTokenizer.Encoded enc = tok.encode(f.prompt());
            int[] r = TextTokenizer.subjectRange(enc, f.subject());
            long[] subj = tok.ids(f.subject());
            long[] span = java.util.Arrays.copyOfRange(enc.ids(), r[0], r[1]);
            // the subject is word-aligned in every prompt, so its own tokens are exactly the span
            // (a trailing token such as "'s" or ",," is never part of it)
            if (!java.util.Arrays.equals(subj, span)) {
                String dec = tok.decode(span);
                assertTrue(dec.contains(f.subject()), f.prompt() + ": span " + dec);
            }
            assertEquals(f.prompt().indexOf(f.subject()), enc.starts()[r[0]], "subject start offset in " + f.prompt());
        }
    }

    @Test
    void sentenceInitialWordIsTheSameTokenAsMidSentence() {
        assertArrayEquals(tok.ids(" Paris"), tok.ids("Paris"));
        long[] a = tok.ids("Vinson Massif is located in the continent of");
        long[] b = tok.ids("The location of Vinson Massif is");
        assertEquals(a[0], b[3]);
        assertEquals("Vinson Massif is located in the continent of Antarctica",
                tok.decode(tok.ids("Vinson Massif is located in the continent of Antarctica")));
    }
}
