package org.rome4j.kernel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The kernelspec ({@code kernels/rome4j/kernel.json}), written where {@code jupyter kernelspec install}
 * would put it: {@code --user} (the Jupyter data dir), {@code --prefix DIR} ({@code DIR/share/jupyter}),
 * {@code --sys-prefix} (Python's {@code sys.prefix}), or by default the system-wide folder.
 */
final class KernelSpec {
    static final String NAME = "rome4j";
    static final String DISPLAY_NAME = "Java (rome4j)";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private KernelSpec() { }

    /** The class-data archive's file name inside the kernelspec folder. */
    static final String ARCHIVE = "rome4j.jsa";

    /**
     * The kernel.json that starts {@code jar} with {@code java}, mapping the class-data archive
     * {@code archive} when there is one. A stale archive (the jar rebuilt since) is ignored by the JVM;
     * its warning is switched off because the kernel's stdout is the Jupyter log.
     */
    static ObjectNode json(Path java, Path jar, String xmx, Path archive) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode argv = n.putArray("argv");
        argv.add(java.toString());
        argv.add("-Dai.djl.offline=true");
        argv.add("-Djava.awt.headless=true");
        argv.add("-Xmx" + (xmx == null ? defaultHeap(physicalMemory()) : xmx));
        argv.add("-XX:+UseParallelGC");
        if (archive != null) {
            argv.add("-XX:SharedArchiveFile=" + archive);
            argv.add("-Xlog:cds=off");
            argv.add("-Xlog:cds+dynamic=off");
        }
        argv.add("-jar");
        argv.add(jar.toString());
        argv.add("kernel");
        argv.add("{connection_file}");
        n.put("display_name", DISPLAY_NAME);
        n.put("language", "java");
        n.put("interrupt_mode", "message");
        n.putObject("metadata").put("debugger", false);
        return n;
    }

    /**
     * The kernel's heap bound when {@code install} is not given {@code --xmx}: a quarter of the machine's memory, at
     * least 1 GiB and at most 4 GiB. Model weights live outside the heap (native memory), so this bounds only the
     * Java side; without a bound the heap grows towards most of the memory over a long session (300 edit + undo cycles
     * took an unbounded kernel from 0.5 to 4.4 GB for 0.2 GB of live data), squeezing a laptop.
     */
    static String defaultHeap(long physicalBytes) {
        long mib = Math.max(1024, Math.min(4096, physicalBytes / 4 / (1 << 20)));
        return mib + "m";
    }

    private static long physicalMemory() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 4L << 30;
    }

    /** The kernels folder for the install options. */
    static Path kernelsDir(String where, Path prefix) {
        return switch (where) {
            case "user" -> userDataDir().resolve("kernels");
            case "prefix" -> prefix.resolve("share/jupyter/kernels");
            case "sys-prefix" -> sysPrefix().resolve("share/jupyter/kernels");
            default -> systemDataDir().resolve("kernels");
        };
    }

    /**
     * Writes the kernelspec; returns its folder. With {@code archive}, first records the classes a
     * kernel start and a first cell load (JShell, javac, jjava) into a class-data archive beside
     * kernel.json, which makes start-up about 0.7 s faster (JDK 13+; skipped with a note if it fails).
     */
    static Path install(Path kernels, Path java, Path jar, String xmx, boolean archive) throws IOException {
        Path dir = kernels.resolve(NAME);
        Files.createDirectories(dir);
        restrict(dir, "rwxr-xr-x");
        Path jsa = archive ? dumpArchive(java, jar, dir.resolve(ARCHIVE)) : null;
        if (jsa != null) restrict(jsa, "rw-r--r--");
        Path spec = dir.resolve("kernel.json");
        Path tmp = dir.resolve("kernel.json.tmp");
        JSON.writeValue(tmp.toFile(), json(java, jar, xmx, jsa));
        restrict(tmp, "rw-r--r--");
        Files.move(tmp, spec, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    /**
     * Sets 0644/0755 whatever the umask: under umask 000 files would be world-writable, and anyone could
     * change the command Jupyter runs (no-op where the file system has no POSIX permissions).
     */
    private static void restrict(Path p, String perms) throws IOException {
        if (Files.getFileAttributeView(p, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        }
    }

    /** Runs {@code rome4j warmup} in a child JVM that writes the archive at exit; null if that failed. */
    static Path dumpArchive(Path java, Path jar, Path jsa) throws IOException {
        Files.deleteIfExists(jsa);
        Process p = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true", "-Djava.awt.headless=true",
                "-XX:+UseParallelGC", "-XX:ArchiveClassesAtExit=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-jar", jar.toString(), "warmup")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return null;
        }
        return p.exitValue() == 0 && Files.isRegularFile(jsa) && Files.size(jsa) > 0 ? jsa : null;
    }

    /** Removes the kernelspec from every given kernels folder; returns what was removed. */
    static List<Path> uninstall(List<Path> kernelsDirs) throws IOException {
        List<Path> removed = new ArrayList<>();
        for (Path k : kernelsDirs) {
            Path dir = k.resolve(NAME);
            if (Files.isRegularFile(dir.resolve("kernel.json"))) {
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
                removed.add(dir);
            }
        }
        return removed;
    }

    /** Jupyter's per-user data dir: JUPYTER_DATA_DIR, else the platform default. */
    static Path userDataDir() {
        String env = System.getenv("JUPYTER_DATA_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String home = System.getProperty("user.home");
        if (os.contains("mac")) return Path.of(home, "Library", "Jupyter");
        if (os.contains("win")) {
            String appdata = System.getenv("APPDATA");
            return Path.of(appdata == null ? home : appdata, "jupyter");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg, "jupyter") : Path.of(home, ".local", "share", "jupyter");
    }

    /** The system-wide data dir ({@code /usr/local/share/jupyter} on Unix). */
    static Path systemDataDir() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String pd = System.getenv("PROGRAMDATA");
            return Path.of(pd == null ? "C:\\ProgramData" : pd, "jupyter");
        }
        return Path.of("/usr/local/share/jupyter");
    }

    /** Python's sys.prefix (python3 on PATH), where a virtualenv's or conda env's Jupyter looks. */
    static Path sysPrefix() {
        for (String py : List.of("python3", "python")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import sys; print(sys.prefix)").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).strip();
                if (p.waitFor() == 0 && !out.isEmpty()) return Path.of(out);
            } catch (IOException e) {
                // try the next name
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("--sys-prefix needs python3 on the PATH (to read sys.prefix); use --prefix DIR instead");
    }

    /** Every standard kernels folder (for uninstall without options). */
    static List<Path> allKernelsDirs() {
        List<Path> out = new ArrayList<>(List.of(userDataDir().resolve("kernels"), systemDataDir().resolve("kernels"),
                Path.of("/usr/share/jupyter/kernels")));
        try {
            out.add(sysPrefix().resolve("share/jupyter/kernels"));
        } catch (IllegalStateException ignored) {
            // no python: nothing there
        }
        String jp = System.getenv("JUPYTER_PATH");
        if (jp != null) {
            for (String p : jp.split(java.io.File.pathSeparator)) if (!p.isBlank()) out.add(Path.of(p, "kernels"));
        }
        return out.stream().distinct().toList();
    }
}
