package org.rome4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk (a child JVM under a 256 KB file-size limit, {@code ulimit -f}) makes every large write fail whole:
 * the earlier file or folder stays as it was, no temporary is left behind, and small writes still succeed.
 */
class DiskFullTest {
    private static final int BIG = 1 << 20;

    /** The writes, in a child JVM: each prints "NAME written" or "NAME failed". */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        byte[] big = new byte[BIG];
        run("averages.csv", () -> Outputs.file(dir.resolve("averages.csv"), true, "--overwrite", t -> Files.write(t, big)));
        run("stats.npz", () -> Npz.write(dir.resolve("stats.npz"), Map.of("mom2", big)));
        run("weights.safetensors", () -> SafeTensors.write(dir.resolve("weights.safetensors"), Map.of("w", new long[] {BIG / 4}),
                n -> new float[BIG / 4]));
        run("inverse.npy", () -> Npy.writeFloat(dir.resolve("inverse.npy"), new long[] {BIG / 4}, new float[BIG / 4]));
        run("model", () -> OutputsTest.writeFolder(dir.resolve("model"), "new", BIG));
        run("small.txt", () -> Outputs.file(dir.resolve("small.txt"), false, "--overwrite", t -> Files.writeString(t, "ok")));
    }

    private interface Io {
        void run() throws IOException;
    }

    private static void run(String name, Io io) {
        try {
            io.run();
            System.out.println(name + " written");
        } catch (IOException | RuntimeException e) {
            System.out.println(name + " failed");
        }
    }

    @Test
    void aFullDiskLeavesEveryFileWholeOrAbsent(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        Files.writeString(dir.resolve("averages.csv"), "old");
        OutputsTest.writeFolder(dir.resolve("model"), "old", 10);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("/bin/bash", "-c", "ulimit -f 256 && exec \"$0\" -XX:-UsePerfData -cp \"$1\" " + DiskFullTest.class.getName()
                + " \"$2\"", java, System.getProperty("java.class.path"), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        for (String big : List.of("averages.csv", "stats.npz", "weights.safetensors", "inverse.npy", "model")) {
            assertTrue(out.contains(big + " failed"), big + ": " + out);
        }
        assertTrue(out.contains("small.txt written"), out);
        assertEquals("old", Files.readString(dir.resolve("averages.csv")));
        assertEquals("old", Files.readString(dir.resolve("model/version.txt")));
        assertEquals("ok", Files.readString(dir.resolve("small.txt")));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("averages.csv", "model", "small.txt"), s.map(f -> f.getFileName().toString()).sorted().toList(),
                    "no partial file, no temporary");
        }
        assertFalse(Files.exists(dir.resolve("stats.npz")));
    }
}
