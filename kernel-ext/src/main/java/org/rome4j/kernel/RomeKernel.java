package org.rome4j.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.rome4j.magics.Magic;
import org.rome4j.magics.MagicException;
import org.rome4j.model.ModelLoadException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rome4j Jupyter kernel: Java through JShell in this JVM, with rome4j's magics resolved in every
 * cell and values rendered through the jjava renderer (where {@link RomeExtension} registered
 * tables, figures and results).
 */
public final class RomeKernel extends BaseKernel {
    private static final Pattern MAGIC_PREFIX = Pattern.compile("^(\\s*(?:[\\w.$<>\\[\\],? ]+?\\s*=\\s*)?)(%{1,2})([\\w-]*)$");
    private static final Pattern MAGIC_OPTION = Pattern.compile("^\\s*(?:[\\w.$<>\\[\\],? ]+?\\s*=\\s*)?%{1,2}([\\w-]+)\\s.*?(--[\\w-]*)$");

    /** Set while %%time runs its body (one cell in the history, not two). */
    private static final ThreadLocal<Boolean> TIMED = ThreadLocal.withInitial(() -> false);
    private final Evaluator evaluator;
    private final CellSource source;
    private final CompletableFuture<Void> warm;

    private RomeKernel(String name, String version, LanguageInfo info, List<HelpLink> links, HistoryManager history,
                       JupyterIO io, CommManager comms, Renderer renderer, MagicParser parser, MagicsRegistry registry,
                       StringStyler errorStyler, Evaluator evaluator) {
        super(name, version, info, links, history, io, comms, renderer, parser, registry, true, errorStyler);
        this.evaluator = evaluator;
        this.source = new CellSource(n -> registry.getLineMagicNames().contains(n),
                n -> RomeExtension.MAGICS.find(n).map(Magic::resultType).map(Class::getCanonicalName));
        registry.registerLineMagic("jars", (k, args) -> {
            addToClasspath(args, true);
            return null;
        });
        registry.registerLineMagic("classpath", (k, args) -> {
            addToClasspath(args, false);
            return null;
        });
        registry.registerCellMagic("time", (k, args, body) -> timed(body));
        this.warm = CompletableFuture.runAsync(evaluator::warmUp);
    }

    /** A kernel with the class path of this JVM visible to cells. */
    public static RomeKernel create() {
        return new Builder().build();
    }

    @Override
    public String getBanner() {
        return "rome4j " + getVersion() + " on Java " + Runtime.version() + " (JShell); magics: %"
                + String.join(" %", getMagicsRegistry().getLineMagicNames().stream().sorted().toList());
    }

    @Override
    public Object evalRaw(String code) {
        if (getHistoryManager() instanceof CellHistory h && !TIMED.get()) h.add(code);
        warm.join();
        Optional<CellSource.CellMagic> cm = CellSource.cellMagic(code);
        if (cm.isPresent() && cm.get().name().equals("time")) {
            return timed(cm.get().body());
        }
        String java = cm.isPresent() ? source.cellCall(cm.get()) : source.transpile(code);
        try {
            return evaluator.eval(java);
        } catch (Evaluator.UserError e) {
            // the exception as thrown, so the error names it (ename MagicException, not UserError)
            if (e.thrown() instanceof RuntimeException r) throw r;
            if (e.thrown() instanceof Exception x) throw new Rethrown(x);
            throw e;
        }
    }

    private Object timed(String body) {
        long t0 = System.nanoTime();
        TIMED.set(true);
        try {
            return evalRaw(body);
        } finally {
            TIMED.set(false);
            System.out.printf(Locale.ROOT, "Wall time: %.3f s%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    private void addToClasspath(List<String> entries, boolean jarsOnly) {
        if (entries.isEmpty()) {
            throw new MagicException((jarsOnly ? "%jars" : "%classpath") + ": give one or more "
                    + (jarsOnly ? "jar files (globs like lib/*.jar work)" : "jars or folders"));
        }
        List<String> paths = new ArrayList<>();
        for (String e : entries) {
            for (String p : e.split(File.pathSeparator)) {
                if (p.isBlank()) continue;
                paths.addAll(expand(p, jarsOnly));
            }
        }
        String cp = String.join(File.pathSeparator, paths);
        evaluator.addToClasspath(cp);
        installExtensions(cp);
    }

    private static List<String> expand(String p, boolean jarsOnly) {
        String cmd = jarsOnly ? "%jars" : "%classpath";
        if (p.contains("*")) {
            Path dir = Path.of(p.substring(0, Math.max(0, p.lastIndexOf('/') + 1)).isEmpty() ? "." : p.substring(0, p.lastIndexOf('/') + 1));
            String glob = p.substring(p.lastIndexOf('/') + 1);
            List<String> out = new ArrayList<>();
            try (var ds = Files.newDirectoryStream(dir, glob)) {
                ds.forEach(f -> out.add(f.toAbsolutePath().toString()));
            } catch (java.io.IOException e) {
                throw new MagicException(cmd + ": cannot list " + dir + ": " + e.getMessage());
            }
            if (out.isEmpty()) throw new MagicException(cmd + ": nothing matches " + p);
            return out;
        }
        Path f = Path.of(p).toAbsolutePath();
        if (!Files.exists(f)) throw new MagicException(cmd + ": no such file: " + f);
        if (jarsOnly && Files.isDirectory(f)) {
            throw new MagicException("%jars: " + f + " is a folder; use %classpath for folders, or " + f + "/*.jar");
        }
        return List.of(f.toString());
    }

    @Override
    public List<String> formatError(Throwable e) {
        List<String> out = new ArrayList<>();
        if (e instanceof Evaluator.CompileError) {
            out.addAll(errorStyler.primaryLines(e.getMessage()));
        } else if (e instanceof Evaluator.Interrupted) {
            out.add(errorStyler.secondary("interrupted: the cell was stopped"));
        } else if (e instanceof MagicException || e instanceof ModelLoadException || e instanceof CancellationException) {
            out.add(errorStyler.secondary(Notebook.firstLine(e.getMessage())));
        } else if (e instanceof Rethrown r) {
            out.addAll(errorStyler.primaryLines(userTrace(r.getCause())));
        } else if (e instanceof Evaluator.UserError ue) {
            Throwable t = ue.thrown();
            if (t == null) {
                out.addAll(errorStyler.primaryLines(e.getMessage()));
            } else if (t instanceof MagicException || t instanceof ModelLoadException || t instanceof CancellationException) {
                out.add(errorStyler.secondary(Notebook.firstLine(t.getMessage())));
            } else {
                out.addAll(errorStyler.primaryLines(userTrace(t)));
            }
        } else if (e.getStackTrace().length > 0 && e.getStackTrace()[0].getClassName().startsWith("REPL.")
                || java.util.Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getClassName().startsWith("REPL."))) {
            out.addAll(errorStyler.primaryLines(userTrace(e)));
        } else {
            out.addAll(super.formatError(e));
        }
        return out;
    }

    /** The exception with only the frames above the kernel's reflective call (the user's and rome4j's). */
    static String userTrace(Throwable t) {
        StringBuilder sb = new StringBuilder();
        java.util.Set<Throwable> seen = new java.util.HashSet<>();
        boolean first = true;
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            sb.append(first ? "" : "Caused by: ").append(c).append('\n');
            first = false;
            for (StackTraceElement f : c.getStackTrace()) {
                String cls = f.getClassName();
                if (cls.startsWith("jdk.internal.reflect.") || cls.startsWith("java.lang.reflect.")
                        || cls.startsWith("org.rome4j.kernel.LocalEngine")) {
                    break;
                }
                if (cls.startsWith("org.rome4j.kernel.Notebook") || cls.startsWith("org.dflib.jjava.")) continue;
                sb.append("\tat ").append(cls.startsWith("REPL.") ? "<cell>" + (f.getMethodName().equals("do_it$") ? ""
                        : " " + f.getMethodName() + "()") : f.toString()).append('\n');
            }
        }
        return sb.toString().stripTrailing();
    }

    /** A checked exception a cell threw, passed through unchanged in meaning. */
    static final class Rethrown extends RuntimeException {
        Rethrown(Exception cause) {
            super(cause.toString(), cause);
        }
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        warm.join();
        String line = currentLine(code, at);
        Matcher m = Pattern.compile("^\\s*(?:[\\w.$<>\\[\\],? ]+?\\s*=\\s*)?%{1,2}([\\w-]+)").matcher(line);
        if (m.find()) {
            var magic = RomeExtension.MAGICS.find(m.group(1));
            if (magic.isPresent()) {
                return new DisplayData(magic.get().spec().help());
            }
        }
        String doc = evaluator.inspect(source.blankMagics(code), at);
        return doc == null ? null : new DisplayData(doc);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        warm.join();
        String line = currentLine(code, at).substring(0, at - lineStart(code, at));
        Matcher m = MAGIC_PREFIX.matcher(line);
        if (m.matches()) {
            boolean cell = m.group(2).equals("%%");
            List<String> names = (cell ? getMagicsRegistry().getCellMagicNames() : getMagicsRegistry().getLineMagicNames())
                    .stream().filter(n -> n.startsWith(m.group(3))).sorted().map(n -> m.group(2) + n).toList();
            int start = lineStart(code, at) + m.group(1).length();
            return names.isEmpty() ? null : new ReplacementOptions(names, start, at);
        }
        Matcher o = MAGIC_OPTION.matcher(line);
        if (o.matches()) {
            var magic = RomeExtension.MAGICS.find(o.group(1));
            if (magic.isPresent()) {
                List<String> opts = magic.get().spec().optionNames().stream().filter(n -> n.startsWith(o.group(2))).toList();
                return opts.isEmpty() ? null : new ReplacementOptions(opts, at - o.group(2).length(), at);
            }
        }
        Evaluator.Completions c = evaluator.complete(source.blankMagics(code), at);
        return c.matches().isEmpty() ? null : new ReplacementOptions(c.matches(), c.start(), at);
    }

    private static int lineStart(String code, int at) {
        return code.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
    }

    private static String currentLine(String code, int at) {
        int s = lineStart(code, at);
        int e = code.indexOf('\n', at);
        return code.substring(s, e < 0 ? code.length() : e);
    }

    @Override
    public String isComplete(String code) {
        warm.join();
        if (CellSource.cellMagic(code).isPresent()) return IS_COMPLETE_YES;
        String[] r = evaluator.isComplete(source.blankMagics(code));
        return switch (r[0]) {
            case "complete" -> IS_COMPLETE_YES;
            case "invalid" -> IS_COMPLETE_BAD;
            case "incomplete" -> r[1];
            default -> IS_COMPLETE_MAYBE;
        };
    }

    @Override
    public void interrupt() {
        evaluator.interrupt();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        super.onShutdown(isRestarting);
        // the model is not closed here: an interrupted cell may still be inside libtorch with it, and the
        // process ends right after shutdown, which frees everything
        evaluator.interrupt();
    }

    @Override
    protected ClassLoader getClassLoader() {
        return evaluator.classLoader();
    }

    /** Builds the kernel from jjava's defaults plus our evaluator. */
    static final class Builder extends BaseKernelBuilder<Builder, RomeKernel> {
        Builder() {
            name("rome4j");
            String v = RomeKernel.class.getPackage().getImplementationVersion();
            version(v == null ? "dev" : v);
        }

        @Override
        public RomeKernel build() {
            LanguageInfo info = new LanguageInfo("java", Runtime.version().feature() + "", "text/x-java-source",
                    ".jshell", "java", "text/x-java", "script");
            MagicTranspiler transpiler = buildMagicTranspiler();
            return new RomeKernel(buildName(), buildVersion(), info,
                    List.of(new HelpLink("rome4j", "https://github.com/rome4j/rome4j"),
                            new HelpLink("Java tutorials", "https://docs.oracle.com/javase/tutorial/")),
                    new CellHistory(), buildJupyterIO(buildJupyterIOEncoding()), buildCommManager(),
                    buildRenderer(), new MagicParser("^\\s*%", "^\\s*%%", transpiler), buildMagicsRegistry(),
                    buildErrorStyler(), new Evaluator(RomeKernel.class.getClassLoader(), System.getProperty("java.class.path")));
        }
    }
}
