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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run at a time on one output (a results folder, a statistics file): an operating-system lock on a hidden file
 * beside it ({@code .NAME.lock}, holding the owner's process id). A second run, in this process or another, is told
 * in one line that the output is in use instead of racing the first one's files. The lock goes with the process
 * (a killed run leaves nothing held).
 */
public final class RunLock implements AutoCloseable {
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private static final java.util.Map<Path, Object> WAITERS = new ConcurrentHashMap<>();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
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
        Path t = target.toAbsolutePath().normalize();
        Path file = Files.createDirectories(t.getParent()).resolve("." + t.getFileName() + ".lock");
        if (!HELD.add(file)) throw inUse(what, ProcessHandle.current().pid());
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) throw inUse(what, owner(ch));
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
            return new RunLock(file, ch, l);
        } catch (IOException | RuntimeException e) {
            if (ch != null) ch.close();
            HELD.remove(file);
            throw e;
        }
    }

    /**
     * Takes the lock of {@code target}, waiting while another process holds it (for work the second run can then reuse,
     * such as statistics the first one is computing into the cache); {@code note} is told once that it waits.
     */
    public static RunLock await(Path target, java.util.function.Consumer<String> note) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        Path file = Files.createDirectories(t.getParent()).resolve("." + t.getFileName() + ".lock");
        Object jvm = WAITERS.computeIfAbsent(file, f -> new Object());
        synchronized (jvm) {   // threads of this process queue here: a JVM holds a file lock for all its threads at once
            while (!HELD.add(file)) {
                try {
                    jvm.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.nio.channels.FileLockInterruptionException();
                }
            }
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                long pid = owner(ch);
                note.accept("waiting for another rome4j run" + (pid > 0 ? " (process " + pid + ")" : "") + " using " + t + " ...");
                l = ch.lock();
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
            return new RunLock(file, ch, l);
        } catch (IOException | RuntimeException e) {
            if (ch != null) ch.close();
            HELD.remove(file);
            throw e;
        }
    }

    private static long owner(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            return Long.parseLong(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
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
            HELD.remove(key);
        }
    }
}
