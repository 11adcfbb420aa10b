package org.rome4j.magics;

import org.junit.jupiter.api.Test;
import org.rome4j.options.Declared;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Magic arguments: shell words, then the magic's picocli declaration (the CLI's option groups). */
class MagicSpecTest {
    @Test
    void splitsQuotedWordsLikeAShell() {
        assertEquals(List.of("The Space Needle is in", "--subject", "Space Needle", "a\"b", "x y"),
                ShellWords.split("\"The Space Needle is in\" --subject 'Space Needle' \"a\\\"b\" x\\ y"));
        assertEquals(List.of(""), ShellWords.split("\"\""));
        assertEquals(List.of(), ShellWords.split("   "));
    }

    @Test
    void unclosedQuoteIsOneLine() {
        MagicException e = assertThrows(MagicException.class, () -> ShellWords.split("\"The Space"));
        assertTrue(e.getMessage().startsWith("unclosed double quote"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void parsesPositionalsOptionsDefaultsAndFlags() {
        GenerateMagic.Options o = new GenerateMagic().options();
        assertFalse(new MagicSpec(o, false).parse(ShellWords.split("\"The Space Needle is in\" --max-new-tokens=7 --compare")));
        assertEquals("The Space Needle is in", o.prompt.prompt());
        assertEquals(7, o.generation.maxNewTokens());
        assertTrue(o.compare);
        TraceMagic.Options t = new TraceMagic().options();
        MagicSpec ts = new MagicSpec(t, false);
        ts.parse(ShellWords.split("\"The Space Needle is in\" --subject \"Space Needle\""));
        assertEquals("Space Needle", t.trace.subject());
        assertEquals(3, t.trace.kinds().size(), "--kind all by default, as rome4j trace");
        assertNull(t.trace.corruption().fixedWindow(), "--window auto by default");
        assertEquals(10, t.trace.corruption().window(48), "the original's 10 on GPT-2 XL's 48 layers");
        assertEquals(1, t.trace.corruption().window(4));
        assertNull(t.trace.expect());
        assertEquals(List.of("The Space Needle is in", "Space Needle"), ts.texts(), "the texts checked against the vocabulary");
    }

    @Test
    void helpWinsOverEverythingElseAndComesFromTheDeclaration() {
        MagicSpec spec = new TraceMagic().spec();
        assertTrue(spec.parse(List.of("--bogus", "--help")));
        String help = spec.help();
        assertTrue(help.startsWith("usage: %trace "), help);
        assertTrue(help.contains("PROMPT") && help.contains("--subject S") && help.contains("Default: 10"), help);
        assertTrue(help.contains("examples:") && help.contains("%trace \"The Space Needle"), help);
    }

    @Test
    void badArgumentsGiveOneLineNamingTheFix() {
        MagicSpec spec = new TraceMagic().spec();
        MagicException unknown = assertThrows(MagicException.class, () -> spec.parse(List.of("p", "--subject", "p", "--windw", "3")));
        assertTrue(unknown.getMessage().startsWith("%trace: unknown option --windw (did you mean --window?); options are --subject"),
                unknown.getMessage());
        MagicException notInt = assertThrows(MagicException.class, () -> spec.parse(List.of("p", "--subject", "p", "--window", "ten")));
        assertTrue(notInt.getMessage().startsWith("%trace: --window is a number of layers or auto, got ten"), notInt.getMessage());
        MagicException missing = assertThrows(MagicException.class, () -> new TraceMagic().spec().parse(List.of()));
        assertTrue(missing.getMessage().startsWith("%trace: unknown option") || missing.getMessage().contains("required"), missing.getMessage());
        MagicException extra = assertThrows(MagicException.class, () -> new TraceMagic().spec().parse(List.of("a", "b", "--subject", "a")));
        assertTrue(extra.getMessage().startsWith("%trace: unexpected word \"b\""), extra.getMessage());
        MagicException noValue = assertThrows(MagicException.class, () -> new TraceMagic().spec().parse(List.of("p", "--subject")));
        assertTrue(noValue.getMessage().startsWith("%trace: --subject needs a value (S)"), noValue.getMessage());
        MagicException dtype = assertThrows(MagicException.class, () -> new LoadModelMagic().spec().parse(List.of("--dtype", "f64")));
        assertTrue(dtype.getMessage().startsWith("%load_model: --dtype: unknown dtype \"f64\": use f32, bf16 or f16"), dtype.getMessage());
        for (MagicException e : List.of(unknown, notInt, missing, extra, noValue, dtype)) {
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    /** The magic for a command takes the command's option groups: the same names, labels and defaults. */
    @Test
    void magicsShareTheCommandsDeclarations() {
        var cli = org.rome4j.cli.Main.commandLine(System.out, System.err).getSubcommands();
        assertSameOptions(cli.get("trace").getCommandSpec(), new TraceMagic().spec(), List.of("--prompt", "--noise-file", "--replace",
                "--tokens", "--frozen", "--max-rows", "--model", "--dtype", "--device", "--json"));
        assertSameOptions(cli.get("generate").getCommandSpec(), new GenerateMagic().spec(), List.of("--prompt", "--model", "--dtype", "--device",
                "--json"));
        // --method and --requests (MEMIT, AlphaEdit, batches from a file) have no notebook face yet: CLI-only for now
        assertSameOptions(cli.get("edit").getCommandSpec(), new RomeMagics.EditMagic().spec(), List.of("--method", "--requests", "--prompt", "--stats-dir",
                "--templates", "--r-rome", "--seed", "--save-delta", "--save-model", "--overwrite", "--model", "--dtype", "--device", "--json"));
        assertSameOptions(cli.get("eval").getCommandSpec(), new CounterFactEvalMagic().spec(), List.of("--format", "--out",
                "--tfidf-vocab", "--idf", "--snippets", "--stats", "--stats-dir", "--templates", "--r-rome", "--seed", "--model",
                "--dtype", "--device", "--json"));
        assertSameOptions(cli.get("trace-dataset").getCommandSpec(), new TraceDatasetMagic().spec(), List.of("--facts", "--out",
                "--quiet", "--model", "--dtype", "--device", "--json"));
        assertTrue(new CounterFactEvalMagic().spec().help().contains("Default: 5"), "the notebook's own --limit default");
    }

    private static void assertSameOptions(picocli.CommandLine.Model.CommandSpec cli, MagicSpec magic, List<String> cliOnly) {
        List<String> want = Declared.names(cli).stream().filter(n -> !cliOnly.contains(n)).toList();
        List<String> have = magic.optionNames().stream().filter(want::contains).toList();
        assertEquals(want, have, magic.name());
        for (String n : want) {
            var a = cli.findOption(n);
            assertTrue(magic.help().contains(n + (a.arity().max() == 0 ? "" : " " + a.paramLabel())), n);
        }
    }

    @Test
    void everyStandardMagicHasHelpAndRejectsUnknownOptions() throws Exception {
        for (Magic<?> m : Magics.standard().all()) {
            Object help = m.call(Session.global(), List.of("--help"), null);
            assertTrue(help instanceof Help h && h.text().startsWith("usage: " + m.spec().invocation()), m.spec().name());
            assertThrows(MagicException.class, () -> m.call(Session.global(), List.of("x", "--no-such-option"), null));
        }
    }
}
