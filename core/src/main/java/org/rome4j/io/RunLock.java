package org.rome4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One run at a time on one output (a results folder, a statistics file): an operating-system lock on a file in
 * rome4j's cache ({@code locks/}, holding the owner's process id). A second
 * run, in this process or another, is told in one line that the output is in use ({@link #take}) or waits for it
 * ({@link #await}) instead of racing the first one's files. The lock goes with the process (a killed run holds nothing).
 */
public final class RunLock implements AutoCloseable {
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private static final Map<Path, Object> WAITERS = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code target}.
     *
     * @param what the output, for the message ("the results folder out/")
     * @throws IllegalStateException naming the other run's process when another run holds it
     */
    public static RunLock take(Path target, String what) throws IOException {
        Path file = lockFile(target);
        if (!HELD.add(file)) throw inUse(what, ProcessHandle.current().pid());
        try {
            RunLock l = acquire(file, null);
            if (l == null) throw inUse(what, owner(file));
            return l;
        } catch (IOException | RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
    }

    /**
     * Takes the lock of {@code target}, waiting while another run holds it (for work the second run can then reuse,
     * such as statistics the first one is computing into the cache); {@code note} is told once that it waits.
     */
    public static RunLock await(Path target, Consumer<String> note) throws IOException {
        Path file = lockFile(target);
        Object jvm = WAITERS.computeIfAbsent(file, f -> new Object());
        boolean told = false;
        synchronized (jvm) {   // threads of this process queue here: a process holds a file lock for all its threads
            while (!HELD.add(file)) {
                if (!told) note.accept("waiting for another run in this process using " + target + " ...");
                told = true;
                try {
                    jvm.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.nio.channels.FileLockInterruptionException();
                }
            }
        }
        try {
            RunLock l = acquire(file, null);
            if (l == null) {
                long pid = owner(file);
                if (!told) note.accept("waiting for another rome4j run" + (pid > 0 ? " (process " + pid + ")" : "") + " using " + target + " ...");
                l = acquire(file, note);
            }
            return l;
        } catch (IOException | RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
    }

    /**
     * The lock file of an output: in rome4j's cache ({@code locks/}, named by a hash of the output's absolute path), so
     * nothing is added beside the user's files, and never deleted (deleting a lock file others may have open would let
     * two runs hold "the" lock at once).
     */
    private static Path lockFile(Path target) throws IOException {
        String abs = target.toAbsolutePath().normalize().toString();
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(abs.getBytes(StandardCharsets.UTF_8));
            String name = java.util.HexFormat.of().formatHex(h, 0, 12) + ".lock";
            return Files.createDirectories(CacheDirs.rome4j("locks")).resolve(name);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The lock, or null when another process holds it and {@code wait} is null. No other descriptor of the file is
     * opened while it is held: closing any descriptor of a file drops the process's lock on it (POSIX).
     */
    private static RunLock acquire(Path file, Consumer<String> wait) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock l;
            try {
                l = wait == null ? ch.tryLock() : ch.lock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                return null;
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
            return new RunLock(file, ch, l);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static long owner(Path file) {
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static IllegalStateException inUse(String what, long pid) {
        return new IllegalStateException(what + " is in use by another rome4j run" + (pid > 0 ? " (process " + pid + ")" : "")
                + ": wait for it to finish, then run again (finished work is reused)");
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            HELD.remove(file);
            Object jvm = WAITERS.get(file);
            if (jvm != null) {
                synchronized (jvm) {
                    jvm.notifyAll();
                }
            }
        }
    }
}
