package org.rome4j.magics;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.model.Models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long notebook session's memory stays flat: 120 {@code %trace} cells as a kernel runs them (the magic, then its
 * figure and table rendered to MIME bundles, static PNG included) in this one process. After 20 cells of warm-up
 * (class loading, libtorch's caches), the process's resident memory may not grow by more than 192 MB over the next
 * 100, about 2 MB a cell: the leak this guards against grew a kernel from 509 MB to 880 MB in 40 cells, about 9 MB a
 * cell, 900 MB over 100. The bound leaves room for the test JVM's heap, which is not bounded here and still grows
 * after the warm-up (measured +61 and +106 MB on two runs of the same code).
 */
class TraceMemoryTest {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static Session session;

    @BeforeAll
    static void load() {
        session = Session.global();
        session.setModel(Models.load("tiny-facts"));
    }

    @AfterAll
    static void close() {
        if (session != null) session.close();
    }

    /** Resident memory of this process, MB (Linux). */
    private static double rssMb() throws Exception {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
        throw new IllegalStateException("no VmRSS in " + STATUS);
    }

    private static void cell(int i) throws Exception {
        String cell = i % 2 == 0 ? "\"Megan Rapinoe plays the sport of\" --subject \"Megan Rapinoe\" --samples 3"
                : "\"Vinson Massif is located in the continent of\" --subject \"Vinson Massif\" --samples 3 --kind mlp";
        Object t = new TraceMagic().call(session, ShellWords.split(cell), null);
        var shown = session.bundles().render(t);
        assertTrue(shown.size() == 2, "figure and table shown");
    }

    @Test
    void residentMemoryIsFlatOverAHundredTraces() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(STATUS), "resident memory is read from /proc (Linux only)");
        for (int i = 0; i < 20; i++) cell(i);
        System.gc();
        double warm = rssMb();
        double peak = warm;
        for (int i = 20; i < 120; i++) {
            cell(i);
            if (i % 10 == 9) peak = Math.max(peak, rssMb());
        }
        System.gc();
        double end = rssMb();
        System.out.printf("TraceMemoryTest: RSS %.0f MB after 20 warm-up traces, %.0f MB after 120 (peak %.0f MB)%n", warm, end, peak);
        assertTrue(end - warm < 192, String.format("RSS grew %.0f MB over 100 traces (%.0f -> %.0f MB)", end - warm, warm, end));
    }
}
