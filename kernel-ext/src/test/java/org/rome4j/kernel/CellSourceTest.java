package org.rome4j.kernel;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CellSourceTest {
    private final CellSource source = new CellSource(Set.of("logit_lens", "load_model", "jars")::contains,
            n -> n.equals("logit_lens") ? Optional.of("org.rome4j.magics.LogitLens") : Optional.empty());

    @Test
    void lineMagicBecomesATypedCallSoVarBindsTheResult() {
        assertEquals("var lens = ((org.rome4j.magics.LogitLens) org.rome4j.kernel.Notebook.line(\"logit_lens\", \"\\\"The Eiffel\\\"\"));",
                source.transpile("var lens = %logit_lens \"The Eiffel\";"));
        assertEquals("((org.rome4j.magics.LogitLens) org.rome4j.kernel.Notebook.line(\"logit_lens\", \"x\"));",
                source.transpile("%logit_lens x"));
        assertEquals("LogitLens l = ((org.rome4j.magics.LogitLens) org.rome4j.kernel.Notebook.line(\"logit_lens\", \"x\"));",
                source.transpile("LogitLens l = %logit_lens x"));
    }

    /** A long argument becomes String.join of literal pieces (javac would fold "a" + "b" back into one too-long constant). */
    @Test
    void aLongArgumentIsPassedInPieces() {
        String arg = "\u00e9".repeat(3 * CellSource.PIECE + 5) + "\ud83d\ude00";
        String src = CellSource.literal(arg);
        assertTrue(src.startsWith("String.join(\"\", \""), src.substring(0, 40));
        StringBuilder back = new StringBuilder();
        String inner = src.substring("String.join(\"\", \"".length(), src.length() - "\")".length());
        String[] parts = inner.split("\", \"");   // the argument has no quote, so this splits exactly between pieces
        int pieces = parts.length;
        for (String piece : parts) {
            assertTrue(piece.length() <= 6 * CellSource.PIECE, "a piece fits a class file constant");
            for (int i = 0; i < piece.length(); ) {
                if (piece.startsWith("\\u", i)) {
                    back.append((char) Integer.parseInt(piece.substring(i + 2, i + 6), 16));
                    i += 6;
                } else {
                    back.append(piece.charAt(i++));
                }
            }
        }
        assertEquals(4, pieces);
        assertEquals(arg, back.toString());
    }

    @Test
    void aStringTooLongForAClassFileIsFound() {
        String big = "x".repeat(LongLiterals.MAX_BYTES + 1);
        assertEquals(LongLiterals.MAX_BYTES + 1, LongLiterals.find("String s = \"" + big + "\";"));
        assertEquals(-1, LongLiterals.find("// \"" + big + "\"\nint x = 1;"), "in a comment");
        assertEquals(-1, LongLiterals.find("String s = \"" + "x".repeat(1000) + "\"; char c = '\"';"));
        assertTrue(LongLiterals.find("String t = \"\"\"\n" + big + "\"\"\";") > LongLiterals.MAX_BYTES, "a text block");
    }

    @Test
    void helpIsNotCastToTheResultType() {
        assertEquals("org.rome4j.kernel.Notebook.line(\"logit_lens\", \"--help\");", source.transpile("%logit_lens --help"));
    }

    @Test
    void javaWithPercentStaysJava() {
        for (String java : new String[]{"int r = a % b;", "String s = \"%logit_lens x\";", "x %logit_lens",
                "System.out.printf(\"%d%n\", 3);"}) {
            assertEquals(java, source.transpile(java));
        }
    }

    /** An unknown magic is a call that reports it (listing the magics), not Java that fails to compile. */
    @Test
    void unknownMagicsBecomeACallThatNamesThem() {
        assertEquals("org.rome4j.kernel.Notebook.line(\"foo\", \"\");", source.transpile("%foo 1 2"));
        assertEquals("var x = org.rome4j.kernel.Notebook.line(\"lsmagic\", \"\");", source.transpile("var x = %lsmagic"));
    }

    @Test
    void onlyMagicLinesChangeInAMultiLineCell() {
        String cell = "int a = 1;\n%load_model /tmp/m\nvar l = %logit_lens \"é\"\na + 1";
        String out = source.transpile(cell);
        String[] lines = out.split("\n");
        assertEquals(4, lines.length);
        assertEquals("int a = 1;", lines[0]);
        assertEquals("org.rome4j.kernel.Notebook.line(\"load_model\", \"/tmp/m\");", lines[1]);
        assertEquals("var l = ((org.rome4j.magics.LogitLens) org.rome4j.kernel.Notebook.line(\"logit_lens\", \"\\\"\\u00e9\\\"\"));", lines[2]);
        assertEquals("a + 1", lines[3]);
    }

    @Test
    void cellMagicTakesTheRestOfTheCellAsBody() {
        CellSource.CellMagic cm = CellSource.cellMagic("%%rome_batch --verbose\n[{\"a\": 1}]\n").orElseThrow();
        assertEquals("rome_batch", cm.name());
        assertEquals("--verbose", cm.args());
        assertEquals("[{\"a\": 1}]\n", cm.body());
        assertTrue(CellSource.cellMagic("int x = 1;\n%%time").isEmpty());
        assertEquals("org.rome4j.kernel.Notebook.cell(\"time\", \"\", \"1+1\");", source.cellCall(CellSource.cellMagic("%%time\n1+1").orElseThrow()));
    }

    @Test
    void blankingKeepsOffsetsForSourceAnalysis() {
        String cell = "%load_model x\nString s = \"a\";\ns.len";
        String blank = source.blankMagics(cell);
        assertEquals(cell.length(), blank.length());
        assertEquals(cell.indexOf("s.len"), blank.indexOf("s.len"));
        assertTrue(!blank.contains("%"));
    }
}
