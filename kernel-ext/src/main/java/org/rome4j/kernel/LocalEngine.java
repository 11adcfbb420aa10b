package org.rome4j.kernel;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import jdk.jshell.spi.SPIResolutionException;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JShell's execution engine, in this JVM: snippet classes load into a class loader whose parent is
 * the kernel's, so a snippet sees the very classes (and static state) of rome4j that magics use.
 * Each snippet runs on a worker thread that {@link #interrupt()} interrupts; the value of a snippet
 * is kept as an object (not a string) for the kernel to render.
 */
final class LocalEngine extends DirectExecutionControl {
    /** The class name JShell reports for an interrupted snippet. */
    static final String INTERRUPTED = "Execution interrupted";
    private static final String THREAD_PREFIX = "rome4j-cell-";
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final SnippetLoader loader;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, THREAD_PREFIX + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    /** How long interrupted code that is not rome4j's gets to end by itself before its thread is stopped. */
    static final long GRACE_MS = 2000;
    private static final long POLL_MS = 50;
    private volatile Future<Object> running;
    private volatile Thread worker;
    private volatile long interruptedAt;
    private final AtomicInteger cells = new AtomicInteger();
    private volatile Throwable lastError;

    private LocalEngine(SnippetLoader loader) {
        super(loader);
        this.loader = loader;
    }

    static LocalEngine create(ClassLoader parent) {
        return new LocalEngine(new SnippetLoader(parent));
    }

    /** The class loader of snippets (parent: the kernel's). */
    ClassLoader classLoader() {
        return loader.loader;
    }

    /** The value a snippet returned, by the key JShell reported as its value; removed once taken. */
    Object take(String key) {
        return key == null ? null : values.remove(key);
    }

    /** Forgets values nobody took. */
    void clearValues() {
        values.clear();
    }

    /** The exception the last failing snippet threw, as thrown (JShell only passes its name and message on). */
    Throwable lastError() {
        return lastError;
    }

    void clearError() {
        lastError = null;
    }

    /**
     * Interrupts the running snippet's thread. The cell's reply waits until that thread has really ended, so
     * that nothing it does lands after the reply: rome4j's work checks the interrupt and takes back what it
     * started (an edit restores the weights); code that ignores interrupts is stopped after {@link #GRACE_MS}.
     */
    void interrupt() {
        if (cells.get() > 0) {   // also while a snippet compiles: the cell's next snippet then does not start
            interruptedAt = System.nanoTime();
            Thread w = worker;
            if (w != null) w.interrupt();
        }
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        Object value;
        if (Thread.currentThread().getName().startsWith(THREAD_PREFIX)) {
            value = call(doit);   // a snippet evaluated from inside a running snippet
        } else {
            if (interruptedAt != 0) throw new UserException("interrupted", INTERRUPTED, new StackTraceElement[0]);
            Future<Object> task = executor.submit(() -> {
                worker = Thread.currentThread();
                try {
                    return call(doit);
                } finally {
                    worker = null;
                    Thread.interrupted();   // the pool's thread starts the next cell with a clear flag
                }
            });
            running = task;
            try {
                value = awaitEnd(task);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
                if (interruptedAt != 0) {
                    // whatever the interrupted work threw on its way out (CancellationException, ClosedByInterruptException, ThreadDeath)
                    throw new UserException("interrupted", INTERRUPTED, new StackTraceElement[0]);
                }
                if (cause instanceof SPIResolutionException re) {
                    throw new ResolutionException(re.id(), re.getStackTrace());
                }
                lastError = cause;
                throw new UserException(String.valueOf(cause.getMessage()), cause.getClass().getName(), cause.getStackTrace());
            } finally {
                running = null;
            }
            // a cell that finished although interrupted (past the point where its work could be taken back) answers as usual
        }
        String key = UUID.randomUUID().toString();
        if (value != null) {
            values.put(key, value);
        }
        return key;
    }

    /** A cell starts (cells nest under %%time): an interrupt from now on stops it. */
    void beginCell() {
        if (cells.getAndIncrement() == 0) interruptedAt = 0;
    }

    /** The cell ended. */
    void endCell() {
        cells.decrementAndGet();
    }

    /** The snippet's value once its thread has ended; an interrupted thread still in the cell's own code after the grace is stopped. */
    @SuppressWarnings({"deprecation", "removal"})
    private Object awaitEnd(Future<Object> task) throws ExecutionException, InterruptedException {
        boolean stopped = false;
        while (true) {
            try {
                return task.get(POLL_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long at = interruptedAt;
                Thread w = worker;
                if (at == 0 || stopped || w == null || System.nanoTime() - at < GRACE_MS * 1_000_000L) continue;
                if (inRome4j(w)) continue;   // rome4j's own work ends at its next check and undoes itself
                try {
                    w.stop();   // a loop that ignores interrupts (while (true) x++;) would keep a core busy forever
                    stopped = true;
                } catch (UnsupportedOperationException unsupported) {
                    stopped = true;   // Java 20+: the thread cannot be stopped; wait for it
                }
            }
        }
    }

    /** Whether the thread is inside rome4j's code (which honours interrupts and must not be stopped half way). */
    private static boolean inRome4j(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) {
            String c = f.getClassName();
            if (c.startsWith("org.rome4j.") && !c.startsWith("org.rome4j.kernel.")) return true;
        }
        return false;
    }

    private static Object call(Method doit) throws Exception {
        return doit.invoke(null);
    }

    @Override
    public void stop() {
        interrupt();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        super.close();
    }

    /** Adds jars or folders (separated by the path separator) to the snippets' class path. */
    void addToClasspathEntries(String path) {
        loader.add(path);
    }

    /** Hands this engine to JShell. */
    ExecutionControlProvider provider() {
        LocalEngine self = this;
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "rome4j-local";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return self;
            }
        };
    }

    /** Why the last snippet was refused before it ran (a call that would end the kernel); null when none. */
    String takeRefusal() {
        String r = loader.refused;
        loader.refused = null;
        return r;
    }

    /** Loads snippet classes from their bytes; everything else from the parent and added jars. */
    private static final class SnippetLoader implements LoaderDelegate {
        private volatile String refused;
        private final Loader loader;

        SnippetLoader(ClassLoader parent) {
            this.loader = new Loader(parent);
        }

        @Override
        public void load(ClassBytecodes[] cbcs) throws ClassInstallException, EngineTerminationException {
            boolean[] installed = new boolean[cbcs.length];
            for (ClassBytecodes c : cbcs) {
                String exit = ExitCalls.find(c.bytecodes());
                if (exit != null) {
                    refused = exit + " is refused in a cell: it would end the kernel and every variable in it; "
                            + "use Kernel > Restart in the notebook instead";
                    throw new ClassInstallException(refused, installed);
                }
            }
            for (ClassBytecodes c : cbcs) {
                loader.declare(c.name(), c.bytecodes());
            }
            int i = 0;
            for (ClassBytecodes c : cbcs) {
                try {
                    Class<?> k = loader.loadClass(c.name());
                    k.getDeclaredMethods();   // link now: errors belong to this snippet
                    installed[i++] = true;
                } catch (Throwable e) {
                    throw new ClassInstallException("cannot load " + c.name() + ": " + e, installed);
                }
            }
        }

        @Override
        public void classesRedefined(ClassBytecodes[] cbcs) {
            for (ClassBytecodes c : cbcs) {
                loader.declare(c.name(), c.bytecodes());
            }
        }

        @Override
        public void addToClasspath(String path) throws EngineTerminationException, InternalException {
            add(path);
        }

        void add(String path) {
            for (String p : path.split(File.pathSeparator)) {
                if (p.isBlank()) continue;
                try {
                    loader.addUrl(Path.of(p).toAbsolutePath().toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("not a path: " + p);
                }
            }
        }

        @Override
        public Class<?> findClass(String name) throws ClassNotFoundException {
            return Class.forName(name, false, loader);
        }
    }

    private static final class Loader extends URLClassLoader {
        private final Map<String, byte[]> declared = new ConcurrentHashMap<>();

        static {
            registerAsParallelCapable();
        }

        Loader(ClassLoader parent) {
            super("rome4j-snippets", new URL[0], parent);
        }

        void declare(String name, byte[] bytes) {
            declared.put(name, bytes);
        }

        void addUrl(URL url) {
            addURL(url);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = declared.get(name);
            if (b != null) {
                return defineClass(name, b, 0, b.length, (CodeSource) null);
            }
            return super.findClass(name);
        }
    }
}
