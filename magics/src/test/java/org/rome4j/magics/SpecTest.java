package org.rome4j.magics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecTest {
    private final Spec spec = new Spec("trace", "Trace.")
            .positional("prompt", "the prompt", true)
            .option("subject", "S", null, "subject")
            .option("window", "W", "10", "window")
            .option("kind", "K", "all", "kind")
            .flag("compare", "compare");

    @Test
    void splitsQuotedWordsLikeAShell() {
        assertEquals(List.of("The Space Needle is in", "--subject", "Space Needle", "a\"b", "x y"),
                Tokenizer.split("\"The Space Needle is in\" --subject 'Space Needle' \"a\\\"b\" x\\ y"));
        assertEquals(List.of(""), Tokenizer.split("\"\""));
        assertEquals(List.of(), Tokenizer.split("   "));
    }

    @Test
    void unclosedQuoteIsOneLine() {
        MagicException e = assertThrows(MagicException.class, () -> Tokenizer.split("\"The Space"));
        assertTrue(e.getMessage().startsWith("unclosed double quote"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void parsesPositionalsOptionsDefaultsAndFlags() {
        Spec.Parsed p = spec.parse(Tokenizer.split("\"The Space Needle is in\" --subject=\"Space Needle\" --compare"));
        assertEquals("The Space Needle is in", p.positional(0));
        assertEquals("Space Needle", p.get("subject"));
        assertEquals(10, p.getInt("window", 1, 100));
        assertEquals("all", p.get("kind"));
        assertTrue(p.flag("compare"));
        assertFalse(p.help());
    }

    @Test
    void helpWinsOverEverythingElse() {
        assertTrue(spec.parse(List.of("--help")).help());
        String help = spec.help();
        assertTrue(help.startsWith("usage: %trace PROMPT [--subject S] [--window W] [--kind K] [--compare]"), help);
        assertTrue(help.contains("(default: 10)"));
    }

    @Test
    void badArgumentsGiveOneLineNamingTheFix() {
        MagicException unknown = assertThrows(MagicException.class, () -> spec.parse(List.of("p", "--windw", "3")));
        assertEquals("%trace: unknown option --windw (did you mean --window?); see %trace --help", unknown.getMessage());
        MagicException notInt = assertThrows(MagicException.class,
                () -> spec.parse(List.of("p", "--window", "ten")).getInt("window", 1, 100));
        assertEquals("%trace: --window must be an integer, got \"ten\"", notInt.getMessage());
        MagicException range = assertThrows(MagicException.class,
                () -> spec.parse(List.of("p", "--window", "0")).getInt("window", 1, 100));
        assertEquals("%trace: --window must be between 1 and 100, got 0", range.getMessage());
        MagicException missing = assertThrows(MagicException.class, () -> spec.parse(List.of()));
        assertTrue(missing.getMessage().startsWith("%trace: missing PROMPT"), missing.getMessage());
        MagicException extra = assertThrows(MagicException.class, () -> spec.parse(List.of("a", "b")));
        assertTrue(extra.getMessage().startsWith("%trace: unexpected argument \"b\""), extra.getMessage());
        MagicException noValue = assertThrows(MagicException.class, () -> spec.parse(List.of("p", "--subject")));
        assertEquals("%trace: --subject needs a value (S)", noValue.getMessage());
        MagicException choice = assertThrows(MagicException.class,
                () -> spec.parse(List.of("p", "--kind", "foo")).getChoice("kind", List.of("all", "mlp")));
        assertEquals("%trace: --kind must be one of all|mlp, got \"foo\"", choice.getMessage());
        for (MagicException e : List.of(unknown, notInt, range, missing, extra, noValue, choice)) {
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void everyStandardMagicHasHelpAndRejectsUnknownOptions() throws Exception {
        for (Magic m : Magics.standard().all()) {
            Object help = m.call(Session.global(), List.of("--help"), null);
            assertTrue(help instanceof Help h && h.text().startsWith("usage: " + m.spec().invocation()), m.spec().name());
            assertThrows(MagicException.class, () -> m.call(Session.global(), List.of("x", "--no-such-option"), null));
        }
    }
}
