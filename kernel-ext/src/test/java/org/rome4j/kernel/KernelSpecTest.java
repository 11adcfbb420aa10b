package org.rome4j.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelSpecTest {
    @Test
    void installWritesWhatJupyterExpectsAndUninstallRemovesIt(@TempDir Path prefix) throws Exception {
        Path kernels = KernelSpec.kernelsDir("prefix", prefix);
        assertEquals(prefix.resolve("share/jupyter/kernels"), kernels);
        Path jar = prefix.resolve("rome4j.jar");
        Path dir = KernelSpec.install(kernels, Path.of("/usr/bin/java"), jar, "6g", false);
        JsonNode spec = new ObjectMapper().readTree(dir.resolve("kernel.json").toFile());
        assertEquals("Java (rome4j)", spec.path("display_name").asText());
        assertEquals("java", spec.path("language").asText());
        assertEquals("message", spec.path("interrupt_mode").asText());
        List<String> argv = new java.util.ArrayList<>();
        spec.path("argv").forEach(a -> argv.add(a.asText()));
        assertEquals("/usr/bin/java", argv.get(0));
        assertTrue(argv.contains("-Dai.djl.offline=true"));
        assertTrue(argv.contains("-Xmx6g"));
        assertEquals(List.of("-jar", jar.toString(), "kernel", "{connection_file}"), argv.subList(argv.size() - 4, argv.size()));
        assertFalse(argv.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")), "no archive asked for");

        // with a class-data archive: mapped before -jar, its warnings off (stdout is the Jupyter log)
        Path jsa = dir.resolve(KernelSpec.ARCHIVE);
        List<String> withCds = new java.util.ArrayList<>();
        KernelSpec.json(Path.of("/usr/bin/java"), jar, null, jsa).path("argv").forEach(a -> withCds.add(a.asText()));
        int at = withCds.indexOf("-XX:SharedArchiveFile=" + jsa);
        assertTrue(at > 0 && at < withCds.indexOf("-jar"), withCds.toString());
        assertTrue(withCds.containsAll(List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off")), withCds.toString());
        // no --xmx: a bound that fits a laptop (a quarter of the memory, 1–4 GiB), not most of the machine
        String heap = withCds.stream().filter(a -> a.startsWith("-Xmx")).findFirst().orElseThrow();
        long mib = Long.parseLong(heap.substring(4, heap.length() - 1));
        assertTrue(mib >= 1024 && mib <= 4096, heap);
        assertFalse(withCds.stream().anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage")), withCds.toString());
        assertEquals("4096m", KernelSpec.defaultHeap(16L << 30));
        assertEquals("2048m", KernelSpec.defaultHeap(8L << 30));
        assertEquals("1024m", KernelSpec.defaultHeap(2L << 30));
        assertEquals("4096m", KernelSpec.defaultHeap(512L << 30));
        Files.writeString(jsa, "archive");
        assertEquals(List.of(dir), KernelSpec.uninstall(List.of(kernels)));
        assertFalse(Files.exists(dir));
    }

    /** Under umask 000 the kernelspec is still 0755/0644: no one else can change the command Jupyter runs. */
    @Test
    void installIgnoresAPermissiveUmask(@TempDir Path prefix) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("sh", "-c", "umask 000 && exec \"$0\" -cp \"$1\" " + KernelSpecTest.class.getName() + " \"$2\"",
                javaBin, System.getProperty("java.class.path"), prefix.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        Path dir = prefix.resolve("share/jupyter/kernels/rome4j");
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("kernel.json"))));
        assertFalse(Files.exists(dir.resolve("kernel.json.tmp")));
    }

    /** Child-process entry of {@link #installIgnoresAPermissiveUmask}: installs into the prefix given. */
    public static void main(String[] args) throws Exception {
        Path prefix = Path.of(args[0]);
        KernelSpec.install(KernelSpec.kernelsDir("prefix", prefix), Path.of("/usr/bin/java"), prefix.resolve("rome4j.jar"), null, false);
    }
}
