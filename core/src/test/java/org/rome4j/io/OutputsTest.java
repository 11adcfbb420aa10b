package org.rome4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Folder outputs: only a folder rome4j wrote is replaced, and a swap killed at any step is finished or undone by the next run. */
class OutputsTest {
    @TempDir
    Path tmp;

    /** Writes version {@code args[1]} of a folder at {@code args[0]}; run in a child JVM that halts at a chosen step. */
    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]), args[1]);
    }

    private static void write(Path target, String version) throws IOException {
        writeFolder(target, version, 1000);
    }

    /** A folder output: version.txt and weights.bin ({@code version} repeated). */
    static void writeFolder(Path target, String version, int repeat) throws IOException {
        Outputs.folder(target, true, "--overwrite", d -> Files.isRegularFile(d.resolve("version.txt")), "model", t -> {
            Files.writeString(t.resolve("version.txt"), version);
            Files.writeString(t.resolve("weights.bin"), version.repeat(repeat));
        });
    }

    @Test
    void aFolderRome4jDidNotWriteIsNeverReplaced() throws IOException {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve("version.txt"), "{}");
        Files.createDirectories(project.resolve("src")).resolve("Main.java").toFile().createNewFile();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> write(project, "new"));
        assertTrue(e.getMessage().contains("not written by rome4j"), e.getMessage());
        assertTrue(Files.exists(project.resolve("src/Main.java")), "the project's files are kept");
        assertEquals(List.of("project"), names(tmp));

        write(tmp.resolve("saved"), "v1");
        write(tmp.resolve("saved"), "v2");
        assertEquals("v2", Files.readString(tmp.resolve("saved/version.txt")));
        assertTrue(Files.isRegularFile(tmp.resolve("saved").resolve(Outputs.MARKER)));
    }

    @Test
    void aFailedWriteLeavesTheOldFolderAndNoTemporaries() throws IOException {
        Path target = tmp.resolve("saved");
        write(target, "v1");
        assertThrows(IOException.class, () -> Outputs.folder(target, true, "--overwrite", d -> true, "model", t -> {
            Files.writeString(t.resolve("half.bin"), "x");
            throw new IOException("No space left on device");
        }));
        assertEquals("v1", Files.readString(target.resolve("version.txt")));
        assertEquals(List.of("saved"), names(tmp));
    }

    /** A child JVM halted after each step of the swap (as by kill -9): the next run finds the old or the new folder, whole, and nothing else. */
    @Test
    void aSwapKilledAtAnyStepIsRecoveredByTheNextRun() throws Exception {
        for (boolean first : new boolean[] {false, true}) {
            for (int step = 1; step <= 3; step++) {
                Path dir = Files.createDirectories(tmp.resolve("run-" + first + step));
                Path target = dir.resolve("model");
                if (!first) write(target, "old");
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Drome4j.test.haltAfterStep=" + step, "-cp", System.getProperty("java.class.path"),
                        OutputsTest.class.getName(), target.toString(), "new").inheritIO().start();
                assertEquals(97, p.waitFor(), "the child halted at step " + step);
                Outputs.recover(target);
                // a complete new folder is moved in when nothing was at the target (a first save killed before its rename)
                String expected = step == 1 && !first ? "old" : "new";
                assertEquals(expected, Files.readString(target.resolve("version.txt")), "first=" + first + " step " + step);
                assertEquals(expected.repeat(1000), Files.readString(target.resolve("weights.bin")));
                assertTrue(Files.isRegularFile(target.resolve(Outputs.MARKER)));
                assertEquals(List.of("model"), names(dir), "no leftovers after step " + step);
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
