package org.rome4j.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleProgressTest {
    @Test
    void lineHasRateAndTimeLeft() {
        ConsoleProgress p = new ConsoleProgress(System.err, "documents");
        // 1000 of 100000 in 40 s, having resumed at 200: 800 here → 20/s, 99000 left → 4950 s
        assertEquals("1000/100000 documents (1.0%), 20.0/s, 1:22:30 left · 9000 tokens", p.line(1000, 100_000, 40, 800, "9000 tokens"));
        assertEquals("5 documents", p.line(5, -1, 1, 0, ""));
        assertEquals("0:00:59", ConsoleProgress.clock(59.4));
    }

    @Test
    void printsOneLineAndEndsIt() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(b, true, StandardCharsets.UTF_8), "documents");
        p.update(0, 10, "start");
        p.update(10, 10, "done");
        p.finish();
        String s = b.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("\r0/10 documents (0.0%)") && s.contains("\r10/10 documents (100.0%)") && s.endsWith("\n"), s);
    }

    @Test
    void timeLeftFromTheRateSinceTheStart() {
        long[] now = {5_000_000_000L};
        TimeLeft left = new TimeLeft(() -> now[0]);
        assertEquals("", left.note(0, 40), "no rate before the first item");
        now[0] += 3_000_000_000L;            // 3 items in 3 s: 1 s each, 37 to go
        assertEquals("0:00:37 left", left.note(3, 40));
        now[0] += 117_000_000_000L;          // 30 items in 120 s: 4 s each, 10 to go
        assertEquals("0:00:40 left", left.note(30, 40));
        assertEquals("", left.note(40, 40), "nothing left once done");
    }
}
