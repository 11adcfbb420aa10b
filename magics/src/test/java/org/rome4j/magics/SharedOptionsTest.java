package org.rome4j.magics;

import org.junit.jupiter.api.Test;
import org.rome4j.options.Declared;
import org.rome4j.options.HparamOptions;
import org.rome4j.options.TraceOptions;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The magics describe, complete and check the shared option groups from their one declaration. */
class SharedOptionsTest {
    @Test
    void traceHelpAndCompletionComeFromTheDeclaration() {
        MagicSpec spec = new TraceMagic().spec();
        String help = spec.help();
        for (var o : Declared.spec(new TraceOptions()).options()) {
            assertTrue(help.contains(o.longestName() + " " + o.paramLabel()), o.longestName() + ":\n" + help);
            assertTrue(help.replaceAll("\\s+", " ").contains(Declared.description(o)), o.longestName() + ":\n" + help);
            assertTrue(spec.optionNames().contains(o.longestName()), o.longestName());
        }
        assertTrue(help.contains("Default: all") && help.contains("Default: 10") && help.contains("Default: s3"), help);
    }

    @Test
    void editingMagicsCompleteTheHparamOptions() {
        for (Magic<?> m : List.<Magic<?>>of(new RomeMagics.EditMagic(), new RomeBatchMagic(), new CounterFactEvalMagic())) {
            for (String n : Declared.names(new HparamOptions(), false)) {
                assertTrue(m.spec().optionNames().contains("--" + n), m.spec().name() + " --" + n);
            }
        }
    }

    @Test
    void aBadValueIsTheDeclarationsOneLine() {
        MagicException e = assertThrows(MagicException.class, () -> new TraceMagic().call(Session.global(),
                List.of("a b", "--subject", "a", "--kind", "sideways"), null));
        assertEquals("%trace: --kind is resid, mlp, attn or all, got sideways; see %trace --help", e.getMessage());
        TraceMagic.Options o = new TraceMagic().options();
        new MagicSpec(o, false).parse(List.of("a b", "--subject", "a", "--window", "0"));
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> o.trace.corruption().fixedWindow());
        assertEquals("--window must be at least 1, got 0", w.getMessage());
    }
}
