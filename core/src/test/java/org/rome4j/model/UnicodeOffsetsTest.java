package org.rome4j.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rome4j.Shared;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token offsets are Java string offsets: with emoji (outside the BMP), combining marks, CJK and
 * right-to-left text before the subject, its token range still covers exactly the subject.
 */
class UnicodeOffsetsTest {
    private static final String[] PREFIXES = {"", "😀 ", "😀😀😀 ", "😀😀😀😀😀😀😀😀😀😀 ", "e\u0301e\u0301 cafe\u0301 ",
            "東京タワー ", "שלום עולם ", "مرحبا 🙂 ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 "};

    @ParameterizedTest
    @ValueSource(strings = {"tiny-gpt2", "tiny-facts"})
    void subjectRangeCoversExactlyTheSubject(String which) throws Exception {
        try (Gpt gpt = Gpt.load(which.equals("tiny-gpt2") ? Shared.tinyGpt2() : Models.resolve("tiny-facts"))) {
            TextTokenizer tok = gpt.tokenizer();
            String subject = "Megan Rapinoe";
            for (String prefix : PREFIXES) {
                String text = prefix + subject + " plays the sport of";
                TextTokenizer.Encoded enc = tok.encode(text);
                int[] r = TextTokenizer.subjectRange(enc, subject);
                // independently: the subject's own tokens, encoded alone after a space (as it follows the prefix)
                long[] alone = tok.ids((prefix.isEmpty() ? "" : " ") + subject);
                long[] got = Arrays.copyOfRange(enc.ids(), r[0], r[1]);
                assertEquals(Arrays.toString(alone), Arrays.toString(got), which + " with prefix \"" + prefix + "\": " + Arrays.toString(enc.tokens()));
                for (int i = 0; i < enc.size(); i++) {
                    if (enc.starts()[i] < 0) continue;
                    assertTrue(enc.starts()[i] <= enc.ends()[i] && enc.ends()[i] <= text.length(), "offsets within the text");
                }
                // the last token's end is the end of the text in Java units
                assertEquals(text.length(), enc.ends()[enc.size() - 1], which + " \"" + prefix + "\"");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void codePointToUtf16() {
        assertEquals("[0, 2, 3, 5]", Arrays.toString(TextTokenizer.utf16Offsets("😀a😀")));
        assertEquals("[0]", Arrays.toString(TextTokenizer.utf16Offsets("")));
    }
}
