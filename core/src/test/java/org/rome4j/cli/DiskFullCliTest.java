package org.rome4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.model.Models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line on a full disk (a child JVM under {@code ulimit -f}): it fails in one line and leaves no empty
 * result under a final name, no hidden temporary and no half-unpacked model folder.
 */
class DiskFullCliTest {
    @TempDir
    Path tmp;
    private String last = "";

    private int run(long limitKb, Path cache, String... argv) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder cmd = new StringBuilder("ulimit -f " + limitKb + " && exec \"$0\" -XX:-UsePerfData -Drome4j.cache=\"$1\" -cp \"$2\" "
                + Main.class.getName());
        for (int i = 0; i < argv.length; i++) cmd.append(" \"$").append(i + 3).append('"');
        List<String> pb = new java.util.ArrayList<>(List.of("/bin/bash", "-c", cmd.toString(), java, cache.toString(),
                System.getProperty("java.class.path")));
        pb.addAll(List.of(argv));
        Process p = new ProcessBuilder(pb).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int st = p.waitFor();
        if (st != 0) assertEquals(1, out.strip().lines().filter(l -> l.startsWith("rome4j ")).count(), out);
        last = out;
        return st;
    }

    private List<Path> leftovers() throws Exception {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(p -> !p.equals(tmp)).filter(p -> {
                String n = p.getFileName().toString();
                try {
                    return n.contains(".tmp") || (Files.isRegularFile(p) && Files.size(p) == 0 && !n.endsWith(".lock"));
                } catch (java.io.IOException e) {
                    return true;
                }
            }).toList();
        }
    }

    @Test
    void aFullDiskLeavesNothingHalfWritten() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        // the embedded model does not fit: its unpacking fails and leaves no folder behind
        Path fresh = tmp.resolve("fresh-cache");
        assertEquals(2, run(1024, fresh, "trace-dataset", "--limit", "2", "--samples", "2", "--out", tmp.resolve("a").toString()));
        assertEquals(List.of(), leftovers());
        // the model unpacked beforehand: the traces' files do not fit
        Path cache = tmp.resolve("cache");
        String before = System.getProperty("rome4j.cache");
        System.setProperty("rome4j.cache", cache.toString());
        try {
            Models.resolve("tiny-facts");
        } finally {
            if (before == null) System.clearProperty("rome4j.cache");
            else System.setProperty("rome4j.cache", before);
        }
        int st = run(4, cache, "trace-dataset", "--limit", "3", "--samples", "2", "--out", tmp.resolve("b").toString());
        assertEquals(List.of(), leftovers(), "status " + st);
        assertTrue(st == 2 || Files.isRegularFile(tmp.resolve("b/averages.csv")), "failed, or finished whole: status " + st);
        if (st == 2) assertTrue(last.contains("cannot write " + tmp.resolve("b")) && !last.contains(".tmp"), last);
    }
}
