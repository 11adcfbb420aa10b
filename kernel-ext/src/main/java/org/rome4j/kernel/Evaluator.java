package org.rome4j.kernel;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Java evaluation with JShell in this JVM ({@link LocalEngine}): a cell is split into snippets, each
 * compiled and run in turn; the value of the last expression comes back as the object itself.
 * Knows nothing of Jupyter.
 */
final class Evaluator implements AutoCloseable {
    /** Imported in every session. */
    static final List<String> IMPORTS = List.of("java.util.*", "tech.tablesaw.api.*", "org.rome4j.model.*",
            "org.rome4j.data.*", "org.rome4j.trace.*", "org.rome4j.rome.*", "org.rome4j.eval.*", "org.rome4j.display.*",
            "org.rome4j.magics.*", "static org.rome4j.magics.display.Display.display");

    private final LocalEngine engine;
    private final String classpath;
    private volatile JShell shell;

    /** A failed compilation: the formatted diagnostics. */
    static final class CompileError extends RuntimeException {
        CompileError(String message) {
            super(message);
        }
    }

    /** A snippet threw; {@link #thrown()} is the exception as thrown, when known. */
    static final class UserError extends RuntimeException {
        private final transient Throwable thrown;

        UserError(String message, Throwable thrown) {
            super(message);
            this.thrown = thrown;
        }

        Throwable thrown() {
            return thrown;
        }
    }

    /** The cell was interrupted. */
    static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted");
        }
    }

    /** An evaluator whose class loader exists at once; JShell itself starts in {@link #start()} (the slow part). */
    Evaluator(ClassLoader parent, String classpath) {
        this.engine = LocalEngine.create(parent);
        this.classpath = classpath;
    }

    /** Starts JShell (about a second of compiler start-up). */
    synchronized void start() {
        if (shell != null) return;
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        JShell.Builder b = JShell.builder().executionEngine(engine.provider(), java.util.Map.of())
                .out(sink).err(sink);
        if (classpath != null && !classpath.isBlank()) {
            b.compilerOptions("--class-path", classpath);
        }
        this.shell = b.build();
    }

    /** Starts JShell and evaluates the standard imports (compiling once, so the first cell is fast). */
    void warmUp() {
        start();
        StringBuilder sb = new StringBuilder();
        for (String i : IMPORTS) sb.append("import ").append(i).append(";\n");
        eval(sb.toString());
    }

    /**
     * Evaluates Java source.
     *
     * @return the value of the last expression, or null
     * @throws CompileError if a snippet does not compile
     * @throws UserError    if a snippet throws
     * @throws Interrupted  if the cell was interrupted
     */
    Object eval(String code) {
        int tooLong = LongLiterals.find(code);
        if (tooLong > 0) {
            throw new CompileError(String.format(Locale.ROOT, "a string of %,d bytes is longer than Java allows in source (%,d): "
                    + "read long text from a file, e.g. Files.readString(Path.of(\"prompt.txt\"))", tooLong, LongLiterals.MAX_BYTES));
        }
        SourceCodeAnalysis sca = shell.sourceCodeAnalysis();
        Object last = null;
        engine.beginCell();
        SourceCodeAnalysis.CompletionInfo info;
        try {
            info = sca.analyzeCompletion(code);
            while (info.completeness().isComplete()) {
                last = evalSnippet(info.source());
                info = sca.analyzeCompletion(info.remaining());
            }
        } catch (StackOverflowError | InternalError e) {   // JShell wraps the parser's overflow in an InternalError
            // javac recurses once per nesting level: a cell nested thousands deep overflows it; the cell fails, the kernel goes on
            throw new CompileError("the compiler ran out of stack on this cell (nested too deeply?): split the expression into smaller ones");
        } finally {
            engine.endCell();
            engine.clearValues();
        }
        if (info.completeness() != SourceCodeAnalysis.Completeness.EMPTY) {
            String rest = info.remaining().strip();
            throw new CompileError("incomplete input (a missing ';', ')' or '}'?):\n" + rest);
        }
        return last;
    }

    private Object evalSnippet(String source) {
        engine.clearError();
        List<SnippetEvent> events = shell.eval(source);
        Object value = null;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue;
            JShellException ex = e.exception();
            if (ex != null) {
                if (ex instanceof EvalException ee && LocalEngine.INTERRUPTED.equals(ee.getExceptionClassName())) {
                    throw new Interrupted();
                }
                if (ex instanceof UnresolvedReferenceException ure) {
                    throw new CompileError(source.strip() + "\nuses something not defined yet: "
                            + String.join(", ", shell.unresolvedDependencies(ure.getSnippet()).toList()));
                }
                String cls = ex instanceof EvalException ee ? ee.getExceptionClassName() : ex.getClass().getName();
                throw new UserError(cls + ": " + ex.getMessage(), engine.lastError());
            }
            String refused = engine.takeRefusal();
            if (refused != null) throw new CompileError(refused);
            if (e.status() == Snippet.Status.REJECTED) {
                throw new CompileError(diagnostics(e.snippet()));
            }
            Snippet.SubKind kind = e.snippet().subKind();
            Object v = e.value() == null ? null : engine.take(e.value());
            value = switch (kind) {
                // a declaration with an initializer shows its value too: `var t = %trace ...` shows the trace
                case OTHER_EXPRESSION_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND, VAR_VALUE_SUBKIND,
                     ASSIGNMENT_SUBKIND, VAR_DECLARATION_WITH_INITIALIZER_SUBKIND -> v;
                default -> null;
            };
        }
        return value;
    }

    private String diagnostics(Snippet s) {
        StringBuilder sb = new StringBuilder();
        String src = s.source();
        for (Diag d : shell.diagnostics(s).toList()) {
            if (!d.isError()) continue;
            long start = d.getStartPosition();
            long end = d.getEndPosition();
            if (start >= 0 && end >= start && end <= src.length()) {
                int lineStart = src.lastIndexOf('\n', (int) Math.max(0, start - 1)) + 1;
                int lineEnd = src.indexOf('\n', (int) start);
                if (lineEnd < 0) lineEnd = src.length();
                String line = src.substring(lineStart, lineEnd);
                sb.append(line).append('\n')
                        .append(" ".repeat((int) start - lineStart))
                        .append("^".repeat((int) Math.max(1, Math.min(end, lineEnd) - start))).append('\n');
            } else {
                sb.append(src.strip()).append('\n');
            }
            for (String l : d.getMessage(Locale.ROOT).split("\n")) {
                if (!l.strip().startsWith("location:")) sb.append(l).append('\n');
            }
        }
        return sb.length() == 0 ? "cannot compile: " + src.strip() : sb.toString().stripTrailing();
    }

    /** Jupyter's is_complete: "complete", "incomplete" (with an indent), "invalid" or "unknown". */
    String[] isComplete(String code) {
        SourceCodeAnalysis sca = shell.sourceCodeAnalysis();
        SourceCodeAnalysis.CompletionInfo info;
        try {
            info = sca.analyzeCompletion(code);
            while (info.completeness().isComplete()) {
                info = sca.analyzeCompletion(info.remaining());
            }
        } catch (StackOverflowError | InternalError e) {
            return new String[]{"invalid", ""};   // the parser gave up (nested too deeply): the request still gets its answer
        }
        return switch (info.completeness()) {
            case EMPTY, COMPLETE, COMPLETE_WITH_SEMI -> new String[]{"complete", ""};
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> new String[]{"incomplete", "    "};
            case UNKNOWN -> new String[]{"invalid", ""};
        };
    }

    /** Completion suggestions at {@code cursor}: the replacement start and the candidates. */
    Completions complete(String code, int cursor) {
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> s;
        try {
            s = shell.sourceCodeAnalysis().completionSuggestions(code, cursor, anchor);
        } catch (StackOverflowError | InternalError e) {
            return new Completions(cursor, List.of());
        }
        List<String> out = new ArrayList<>();
        s.stream().sorted((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()))
                .map(SourceCodeAnalysis.Suggestion::continuation).distinct().forEach(out::add);
        return new Completions(anchor[0], out);
    }

    /** Candidates replacing code[start, cursor). */
    record Completions(int start, List<String> matches) { }

    /** Signatures and javadoc of what is at {@code cursor}. */
    String inspect(String code, int cursor) {
        try {
            return inspectAt(code, cursor);
        } catch (StackOverflowError | InternalError e) {
            return null;
        }
    }

    private String inspectAt(String code, int cursor) {
        int at = cursor;
        while (at < code.length() && Character.isJavaIdentifierPart(code.charAt(at))) at++;
        List<SourceCodeAnalysis.Documentation> docs = shell.sourceCodeAnalysis().documentation(code, at, true);
        if (docs == null || docs.isEmpty()) {
            int paren = at;
            while (paren < code.length() && Character.isWhitespace(code.charAt(paren))) paren++;
            if (paren < code.length() && code.charAt(paren) == '(') {
                docs = shell.sourceCodeAnalysis().documentation(code, paren + 1, true);
            }
        }
        if (docs == null || docs.isEmpty()) return null;
        StringBuilder sb = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            if (sb.length() > 0) sb.append("\n\n");
            sb.append(d.signature());
            if (d.javadoc() != null && !d.javadoc().isBlank()) sb.append('\n').append(d.javadoc());
        }
        return sb.toString();
    }

    /** Adds jars/folders to both the compiler's and the snippets' class path. */
    void addToClasspath(String path) {
        shell.addToClasspath(path);
    }

    /** Interrupts the running cell. */
    void interrupt() {
        engine.interrupt();
    }

    /** The snippets' class loader. */
    ClassLoader classLoader() {
        return engine.classLoader();
    }

    @Override
    public void close() {
        if (shell != null) shell.close();
        engine.close();
    }
}
