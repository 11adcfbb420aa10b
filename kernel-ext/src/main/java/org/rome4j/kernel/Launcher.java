package org.rome4j.kernel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The main class of {@code rome4j.jar}: {@code install}, {@code uninstall} and {@code kernel} here,
 * every other command ({@code logits}, {@code generate}, {@code facts}, ...) in {@link org.rome4j.cli.Main}.
 *
 * <pre>
 * java -jar rome4j.jar install --user          # then pick "Java (rome4j)" in Jupyter
 * java -jar rome4j.jar install --prefix /tmp/jp  # JUPYTER_PATH=/tmp/jp/share/jupyter
 * java -jar rome4j.jar kernel CONNECTION_FILE  # what Jupyter runs
 * </pre>
 */
public final class Launcher {
    private static final String USAGE = """
            usage: rome4j install [--user | --prefix DIR | --sys-prefix] [--xmx SIZE] [--no-cds]
                                                                               install the Jupyter kernelspec "Java (rome4j)"
                                                                               (--no-cds: no class-data archive for fast start-up)
                   rome4j uninstall [--user | --prefix DIR | --sys-prefix]              remove it
                   rome4j kernel CONNECTION_FILE                                       run the kernel (Jupyter does this)
            """;

    private Launcher() { }

    /** Entry point. */
    public static void main(String[] argv) throws Exception {
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
        System.setProperty("java.awt.headless", "true");
        if (argv.length > 0 && argv[0].equals("kernel")) {
            if (argv.length != 2) {
                System.err.println("rome4j kernel: give the connection file Jupyter wrote (kernel.json passes {connection_file})");
                System.exit(2);
            }
            try {
                runKernel(Path.of(argv[1]));
            } catch (java.io.IOException | IllegalArgumentException e) {
                System.err.println("rome4j kernel: cannot start from " + argv[1] + ": " + org.rome4j.io.Problems.oneLine(e));
                System.exit(2);
            }
            System.exit(0);
        }
        if (argv.length == 1 && argv[0].equals("warmup")) {
            warmUp();
            System.exit(0);
        }
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs a command other than {@code kernel}; returns the exit status. */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && (argv[0].equals("install") || argv[0].equals("uninstall"))) {
            try {
                return argv[0].equals("install") ? install(argv, out) : uninstall(argv, out);
            } catch (Exception e) {
                // one line in words, as every other command (a permission problem says so)
                err.println("rome4j " + argv[0] + ": " + org.rome4j.io.Problems.oneLine(e).lines().findFirst().orElse(""));
                return 2;
            }
        }
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
            out.print(USAGE);
        }
        return org.rome4j.cli.Main.run(argv, out, err);
    }

    private record Where(String kind, Path prefix, String xmx, boolean cds) { }

    private static Where where(String[] argv, boolean install) {
        String kind = "system";
        Path prefix = null;
        String xmx = null;
        boolean cds = true;
        int chosen = 0;
        for (int i = 1; i < argv.length; i++) {
            switch (argv[i]) {
                case "--user" -> { kind = "user"; chosen++; }
                case "--sys-prefix" -> { kind = "sys-prefix"; chosen++; }
                case "--prefix" -> {
                    if (i + 1 >= argv.length) throw new IllegalArgumentException("--prefix needs a folder");
                    kind = "prefix";
                    prefix = Path.of(argv[++i]).toAbsolutePath();
                    chosen++;
                }
                case "--xmx" -> {
                    if (!install || i + 1 >= argv.length) throw new IllegalArgumentException("--xmx needs a size such as 8g");
                    xmx = argv[++i];
                    if (!xmx.matches("\\d+[kKmMgG]?")) throw new IllegalArgumentException("--xmx must look like 8g or 4096m, got " + xmx);
                }
                case "--no-cds" -> {
                    if (!install) throw new IllegalArgumentException("--no-cds is an install option");
                    cds = false;
                }
                default -> throw new IllegalArgumentException("unknown option " + argv[i] + "\n" + USAGE);
            }
        }
        if (chosen > 1) throw new IllegalArgumentException("give at most one of --user, --prefix DIR, --sys-prefix");
        return new Where(chosen == 0 ? null : kind, prefix, xmx, cds);
    }

    private static int install(String[] argv, PrintStream out) throws Exception {
        Where w = where(argv, true);
        Path jar = ownJar();
        Path java = ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
        Path dir = KernelSpec.install(KernelSpec.kernelsDir(w.kind() == null ? "system" : w.kind(), w.prefix()), java, jar, w.xmx(),
                w.cds());
        out.println("installed kernelspec " + KernelSpec.NAME + " (\"" + KernelSpec.DISPLAY_NAME + "\") in " + dir);
        if (w.cds()) {
            out.println(Files.isRegularFile(dir.resolve(KernelSpec.ARCHIVE))
                    ? "with a class-data archive for fast start-up (rerun install after rebuilding the jar)"
                    : "note: could not write a class-data archive (needs a HotSpot JDK 13+); the kernel starts without it");
        }
        if ("prefix".equals(w.kind())) {
            out.println("Jupyter finds it with: JUPYTER_PATH=" + w.prefix().resolve("share/jupyter") + " jupyter notebook");
        }
        return 0;
    }

    private static int uninstall(String[] argv, PrintStream out) throws Exception {
        Where w = where(argv, false);
        List<Path> dirs = w.kind() == null ? KernelSpec.allKernelsDirs()
                : List.of(KernelSpec.kernelsDir(w.kind(), w.prefix()));
        List<Path> removed = KernelSpec.uninstall(dirs);
        if (removed.isEmpty()) {
            // nothing to remove is what the user wanted: say so in one line, not as a failure
            out.println("nothing to uninstall: no " + KernelSpec.NAME + " kernelspec in " + dirs);
            return 0;
        }
        for (Path p : removed) out.println("removed " + p);
        return 0;
    }

    /** The jar this class runs from. */
    static Path ownJar() {
        try {
            Path p = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("install from the packaged jar (java -jar kernel-ext/target/rome4j.jar install), not from "
                        + p);
            }
            return p.toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the class-data archive records: a kernel built, bound to local ports and closed, a first cell evaluated. */
    static void warmUp() throws Exception {
        RomeKernel kernel = RomeKernel.create();
        // the protocol classes too (jeromq, message handling): bind to free local ports, then close
        String connection = String.format(Locale.ROOT, """
                {"transport": "tcp", "ip": "127.0.0.1", "control_port": %d, "shell_port": %d, "stdin_port": %d,
                 "hb_port": %d, "iopub_port": %d, "key": "warmup", "signature_scheme": "hmac-sha256"}""",
                freePort(), freePort(), freePort(), freePort(), freePort());
        JupyterConnection conn = new JupyterConnection(KernelConnectionProperties.parse(connection));
        kernel.becomeHandlerForConnection(conn);
        conn.connect();
        conn.close();
        Object v = kernel.evalRaw("int x = 1; x + 1");
        if (!Integer.valueOf(2).equals(v)) throw new IllegalStateException("warm-up cell gave " + v);
        kernel.getRenderer().render(v);
        kernel.complete("Str", 3);
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Connects a kernel to Jupyter and serves until shutdown. */
    static void runKernel(Path connectionFile) throws Exception {
        KernelConnectionProperties props = readConnection(connectionFile);
        RomeKernel kernel = RomeKernel.create();
        JupyterConnection conn = connect(kernel, props, System.err);
        kernel.onStartup();
        conn.waitUntilClose();
    }

    /**
     * The connection file, checked: JSON with an ip, a transport and five ports in 1-65535 (a damaged or hand-written
     * file is refused in one line instead of a parser's stack trace).
     */
    static KernelConnectionProperties readConnection(Path file) throws java.io.IOException {
        String fix = ": give the connection file Jupyter wrote (JSON with ip, transport, key, signature_scheme and "
                + "shell_port, iopub_port, stdin_port, control_port, hb_port)";
        KernelConnectionProperties p;
        try {
            p = KernelConnectionProperties.parse(Files.readString(file));
        } catch (RuntimeException e) {      // the JSON library's own exceptions, whose messages name its classes
            throw new IllegalArgumentException("not a Jupyter connection file" + fix);
        }
        if (p == null || p.getIp() == null || p.getTransport() == null) throw new IllegalArgumentException("no ip or transport" + fix);
        for (int port : new int[] {p.getShellPort(), p.getIopubPort(), p.getStdinPort(), p.getControlPort(), p.getHbPort()}) {
            if (port < 1 || port > 65535) throw new IllegalArgumentException("a port is missing or out of range (" + port + ")" + fix);
        }
        return p;
    }

    /** Binds the kernel's sockets, with badly signed or unreadable messages dropped rather than fatal. */
    static JupyterConnection connect(RomeKernel kernel, KernelConnectionProperties props, PrintStream log) throws Exception {
        JupyterConnection conn = new JupyterConnection(props);
        kernel.becomeHandlerForConnection(conn);
        conn.connect();
        SocketGuard.install(conn, log);
        return conn;
    }
}
