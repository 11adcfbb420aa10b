package org.rome4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One run at a time on an output: a second run (same process or another) is told it is in use; a dead run holds nothing. */
class RunLockTest {
    /** Holds the lock of {@code args[0]} until its standard input closes. */
    public static void main(String[] args) throws Exception {
        try (RunLock l = RunLock.take(Path.of(args[0]), "out")) {
            System.out.println("held");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our input
            }
        }
    }

    @Test
    void aSecondRunIsToldTheOutputIsInUse(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("results");
        try (RunLock first = RunLock.take(out, "the results folder")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunLock.take(out, "the results folder"));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        RunLock.take(out, "the results folder").close();   // released

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RunLockTest.class.getName(), out.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()));
            assertEquals("held", r.readLine());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunLock.take(out, "the results folder"));
            assertTrue(e.getMessage().contains("process " + child.pid()), e.getMessage());
        } finally {
            child.getOutputStream().close();
            child.waitFor();
        }
        RunLock.take(out, "the results folder").close();   // the other run ended: free again
        try (var s = java.nio.file.Files.list(tmp)) {
            assertEquals(java.util.List.of(), s.toList(), "nothing added beside the output");
        }
    }

    /** A run that can reuse the first one's work (statistics it computes into the cache) waits for it, saying so once. */
    @Test
    void aSecondRunWaitsForTheFirst(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("stats");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RunLockTest.class.getName(), cache.toString()).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()));
        assertEquals("held", r.readLine());
        java.util.List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Void> second = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (RunLock l = RunLock.await(cache, notes::add)) {
                notes.add("got it");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long t0 = System.nanoTime();
        while (notes.isEmpty() && System.nanoTime() - t0 < 30_000_000_000L) Thread.sleep(20);
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("waiting for another rome4j run (process " + child.pid() + ")"), notes.get(0));
        child.getOutputStream().close();   // the first run ends
        second.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("got it", notes.get(1));
        child.waitFor();
    }

    @Test
    void oneSettingMovesEveryCache(@TempDir Path tmp) {
        String before = System.getProperty("rome4j.cache");
        System.setProperty("rome4j.cache", tmp.toString());
        try {
            assertEquals(tmp.resolve("stats"), org.rome4j.rome.KeyStats.defaultCacheDir());
            assertEquals(tmp.resolve("traces"), CacheDirs.rome4j("traces"));
        } finally {
            if (before == null) System.clearProperty("rome4j.cache");
            else System.setProperty("rome4j.cache", before);
        }
    }
}
