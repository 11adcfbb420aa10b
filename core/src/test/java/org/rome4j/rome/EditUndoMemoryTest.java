package org.rome4j.rome;

import org.junit.jupiter.api.Test;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edit + undo cycles in a JVM with a small heap (as the kernel's bounded default makes it on a laptop): they all run,
 * and the heap kept after a collection and the process's resident memory stay flat from the first cycles to the last.
 */
class EditUndoMemoryTest {
    static final int WARM = 10;
    static final int CYCLES = Integer.getInteger("cycles", 40);

    /** Runs the cycles; prints "heapMB rssMB" after the warm-up and after the last cycle. */
    public static void main(String[] args) throws Exception {
        try (Gpt gpt = Models.load("tiny-facts")) {
            RomeHparams hp = RomeHparams.parse(RomeHparams.preset("tiny-facts").toJson().put("v_num_grad_steps", 4), "test");
            int f = gpt.config().nInner();
            float[] id = new float[f * f];
            for (int i = 0; i < f; i++) id[i * f + i] = 1f;
            Rome rome = Rome.builder(gpt).setHparams(hp).optInverse(hp.layers().get(0), id).optMeasure(false).build();
            Request r = Request.of("{} plays the sport of", "Megan Rapinoe", "basketball");
            for (int i = 1; i <= CYCLES; i++) {
                rome.apply(r);
                rome.undo();
                if (i == WARM || i == CYCLES) System.out.println(String.format(Locale.ROOT, "%.1f %.1f", heapMb(), rssMb()));
            }
        }
    }

    private static double heapMb() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }

    private static double rssMb() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1e3;
        }
        return 0;
    }

    @Test
    void editUndoCyclesStayFlatInASmallHeap() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx160m",
                "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"), EditUndoMemoryTest.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().filter(l -> l.matches("[\\d.]+ [\\d.]+")).toList();
        assertEquals(0, p.waitFor(), "all cycles ran in a 160 MB heap");
        assertEquals(2, lines.size(), lines.toString());
        double[] warm = java.util.Arrays.stream(lines.get(0).split(" ")).mapToDouble(Double::parseDouble).toArray();
        double[] end = java.util.Arrays.stream(lines.get(1).split(" ")).mapToDouble(Double::parseDouble).toArray();
        System.out.printf(Locale.ROOT, "edit+undo: heap %.1f -> %.1f MB, RSS %.1f -> %.1f MB over cycles %d..%d%n",
                warm[0], end[0], warm[1], end[1], WARM, CYCLES);
        assertTrue(end[0] - warm[0] < 4, "retained heap grows: " + lines);
        assertTrue(end[1] - warm[1] < 64, "resident memory grows: " + lines);
    }
}
