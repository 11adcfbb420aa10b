package org.rome4j.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.rome4j.magics.MagicException;
import org.rome4j.magics.ShellWords;
import org.rome4j.io.Problems;

import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * What magic lines turn into (see {@link CellSource}): calls into the running kernel's magics
 * registry, from inside a cell. Also usable by hand: {@code Notebook.line("generate", "\"Hi\"")}.
 */
public final class Notebook {
    private Notebook() { }

    /** Runs line magic {@code name} with its argument line (split like a shell). */
    public static Object line(String name, String args) throws Exception {
        BaseKernel k = kernel();
        if (!k.getMagicsRegistry().getLineMagicNames().contains(name)) throw unknown("%" + name);
        try {
            List<String> words = ShellWords.split(args);
            return k.getMagicsRegistry().evalLineMagic(k, name, words);
        } catch (CancellationException | MagicException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new MagicException("%" + name + ": " + withoutName(name, Problems.oneLine(e)));
        }
    }

    /** The error for a magic the kernel does not have, listing those it has. */
    public static MagicException unknown(String invocation) {
        BaseKernel k = kernel();
        boolean cell = invocation.startsWith("%%");
        List<String> names = (cell ? k.getMagicsRegistry().getCellMagicNames() : k.getMagicsRegistry().getLineMagicNames())
                .stream().sorted().map(n -> (cell ? "%%" : "%") + n).toList();
        return new MagicException("unknown magic " + invocation + "; " + (cell ? "cell magics" : "magics") + " are "
                + String.join(" ", names) + " (each takes --help)");
    }

    private static String withoutName(String name, String message) {
        String m = message;
        for (String p : List.of("%%" + name + ": ", "%" + name + ": ", name + ": ")) {
            while (m.startsWith(p)) m = m.substring(p.length());
        }
        return m;
    }

    /** Runs cell magic {@code name} with its argument line and body. */
    public static Object cell(String name, String args, String body) throws Exception {
        BaseKernel k = kernel();
        if (!k.getMagicsRegistry().getCellMagicNames().contains(name)) throw unknown("%%" + name);
        try {
            List<String> words = ShellWords.split(args);
            return k.getMagicsRegistry().evalCellMagic(k, name, words, body);
        } catch (CancellationException | MagicException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new MagicException("%%" + name + ": " + withoutName(name, Problems.oneLine(e)));
        }
    }

    private static BaseKernel kernel() {
        BaseKernel k = BaseKernel.notebookKernel();
        if (k == null) {
            throw new IllegalStateException("no kernel is running: magics work inside a notebook cell");
        }
        return k;
    }

    /** Names of the line magics the kernel knows. */
    public static List<String> lineMagics() {
        MagicsRegistry r = kernel().getMagicsRegistry();
        return r.getLineMagicNames().stream().sorted().toList();
    }

    static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
