package org.rome4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Writing outputs without surprises: an existing file or folder is replaced only when the caller
 * passes {@code overwrite}, a file is never written over a folder (or the reverse), and the output is
 * written under a temporary name beside the target, forced to disk and moved into place, so an interrupted or
 * failed write (a full disk included) never leaves a partial file that looks complete, and removes its temporaries.
 */
public final class Outputs {
    /** The file that marks a folder rome4j wrote (and so may replace with {@code --overwrite}); written last. */
    public static final String MARKER = ".rome4j-output";
    private static final String TMP = ".tmp-";
    private static final String OLD = ".old-";
    /** Test hook: the process halts (as if killed) after this step of a folder swap (1: new folder written, 2: old moved aside, 3: new moved in). */
    private static final int HALT_AFTER = Integer.getInteger("rome4j.test.haltAfterStep", 0);
    /** Folders being written by this JVM (their leftovers are not stale). */
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

    /** Writes the output at the temporary path it is given. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    private Outputs() { }

    /**
     * Writes one file.
     *
     * @throws IllegalArgumentException when {@code target} is a folder, or exists and {@code overwrite} is false
     */
    public static void file(Path target, boolean overwrite, String flag, Writer w) throws IOException {
        checkFile(target, overwrite, flag);
        atomic(target, w);
    }

    /**
     * Writes {@code target} whole or not at all, without the checks of {@link #file} (for writers whose caller
     * already decided): a hidden temporary file beside it, forced to disk, then renamed over it; on any failure (a
     * full disk included) the temporary file is removed and the target is as it was.
     */
    public static void atomic(Path target, Writer w) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        Path parent = Files.createDirectories(t.getParent());
        Path tmp = parent.resolve("." + t.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
        try {
            w.write(tmp);
            sync(tmp);
            move(tmp, t);
            syncDir(parent);
        } catch (java.nio.file.AccessDeniedException e) {
            throw e;   // "permission denied", said as such by the caller
        } catch (IOException e) {
            // named by the final file, not the hidden temporary ("File too large", "No space left on device")
            String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(e.getMessage());
            why = why.replace(tmp.toString(), target.toString());
            boolean full = why.matches("(?i).*(no space|too large|quota).*");
            throw new IOException("cannot write " + target + ": " + why + (full ? " (is the disk full?)" : ""), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The checks of {@link #file} alone, to refuse before a long computation rather than after it. */
    public static void checkFile(Path target, boolean overwrite, String flag) {
        Path t = target.toAbsolutePath().normalize();
        checkParent(target);
        if (Files.isDirectory(t)) {
            throw new IllegalArgumentException(target + " is a folder: give a file name for the output");
        }
        if (Files.exists(t) && !overwrite) {
            throw new IllegalArgumentException(target + " exists: pass " + flag + " to replace it, or choose another name");
        }
    }

    /**
     * Writes one folder. An existing folder is replaced only with {@code overwrite}, and only when it is empty or
     * rome4j wrote it (it holds the {@link #MARKER} file that this method writes last) and {@code replaceable} accepts
     * it, so that a mistyped path cannot delete unrelated files. The swap is two renames (old folder aside, new one in
     * place); a process killed between them leaves the complete new folder under a hidden name, which the next
     * {@link #recover} (run by every check and write of this target) moves into place.
     *
     * @throws IllegalArgumentException when the target is a file, exists without {@code overwrite}, or is not replaceable
     */
    public static void folder(Path target, boolean overwrite, String flag, Predicate<Path> replaceable, String what, Writer w)
            throws IOException {
        Path t = target.toAbsolutePath().normalize();
        if (!WRITING.add(t)) throw new IllegalArgumentException(target + " is being written by another cell or thread; wait for it to finish");
        try {
            checkFolder(target, overwrite, flag, replaceable, what);
            boolean exists = Files.exists(t);
            Path parent = Files.createDirectories(t.getParent());
            long pid = ProcessHandle.current().pid();
            Path tmp = parent.resolve("." + t.getFileName() + TMP + pid);
            Path old = parent.resolve("." + t.getFileName() + OLD + pid);
            deleteTree(tmp);
            boolean swapped = false;
            try {
                Files.createDirectories(tmp);
                w.write(tmp);
                Files.writeString(tmp.resolve(MARKER), "written by rome4j: " + what + "\n");
                syncTree(tmp);
                step(1);
                if (exists) move(t, old);
                step(2);
                move(tmp, t);
                swapped = true;
                syncDir(parent);
                step(3);
            } finally {
                if (!swapped && exists && !Files.exists(t) && Files.exists(old)) move(old, t);
                deleteTree(tmp);
                deleteTree(old);
            }
        } finally {
            WRITING.remove(t);
        }
    }

    /**
     * Finishes or undoes a folder swap that a killed process left half done: when the target is missing, the complete
     * new folder (it holds the marker) is moved into place, else the old one is moved back; leftovers of processes that
     * are no longer running are then deleted. Leftovers of a running process (another save in progress) are left alone.
     */
    public static void recover(Path target) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        Path parent = t.getParent();
        if (parent == null || !Files.isDirectory(parent) || WRITING.contains(t)) return;
        String prefix = "." + t.getFileName();
        List<Path> news = new ArrayList<>();
        List<Path> olds = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix + "."))) {
            for (Path p : s) {
                String rest = p.getFileName().toString().substring(prefix.length());
                List<Path> into = rest.startsWith(TMP) ? news : rest.startsWith(OLD) ? olds : null;
                if (into == null || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
                String pid = rest.substring(TMP.length());
                if (!pid.chars().allMatch(Character::isDigit) || pid.isEmpty() || running(Long.parseLong(pid))) continue;
                into.add(p);
            }
        }
        if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
            Path back = news.stream().filter(p -> Files.isRegularFile(p.resolve(MARKER))).findFirst()
                    .orElse(olds.isEmpty() ? null : olds.get(0));
            if (back != null) {
                move(back, t);
                news.remove(back);
                olds.remove(back);
            }
        }
        for (Path p : news) deleteTree(p);
        for (Path p : olds) deleteTree(p);
    }

    /** The checks of {@link #folder} alone, to refuse before a long computation rather than after it. */
    public static void checkFolder(Path target, boolean overwrite, String flag, Predicate<Path> replaceable, String what)
            throws IOException {
        Path t = target.toAbsolutePath().normalize();
        checkParent(target);
        recover(t);
        boolean exists = Files.exists(t);
        if (exists && !Files.isDirectory(t)) {
            throw new IllegalArgumentException(target + " is a file: give a folder for the " + what);
        }
        if (exists && !overwrite) {
            throw new IllegalArgumentException(target + " exists: pass " + flag + " to replace it, or choose a new folder");
        }
        if (exists && !isEmpty(t) && !(Files.isRegularFile(t.resolve(MARKER)) && replaceable.test(t))) {
            throw new IllegalArgumentException(target + " is not empty and was not written by rome4j (no " + MARKER
                    + " file): refusing to replace it; choose a new folder, or delete it yourself");
        }
    }

    /**
     * An output can be created where it is named: its nearest existing ancestor is a writable folder (not a file, as in
     * {@code --out notes.txt/x}).
     *
     * @throws IllegalArgumentException naming the ancestor otherwise
     */
    public static void checkParent(Path target) {
        Path a = target.toAbsolutePath().normalize().getParent();
        while (a != null && !Files.exists(a)) a = a.getParent();
        if (a == null) return;
        if (!Files.isDirectory(a)) {
            throw new IllegalArgumentException("cannot write " + target + ": " + a + " is a file, not a folder; choose another path");
        }
        if (!Files.isWritable(a)) {
            throw new IllegalArgumentException("cannot write " + target + ": the folder " + a + " is not writable; choose another path");
        }
    }

    /**
     * For results folders that a rerun resumes (trace-dataset, eval): an existing folder is used only when
     * it is empty or {@code ours} recognises it, so a mistyped path never fills an unrelated folder.
     *
     * @throws IllegalArgumentException when {@code dir} is a file, or a non-empty folder of something else
     */
    public static void checkResumable(Path dir, Predicate<Path> ours, String what) throws IOException {
        checkParent(dir);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is a file: give a folder for the " + what);
        }
        if (Files.isDirectory(dir) && !isEmpty(dir) && !ours.test(dir)) {
            throw new IllegalArgumentException(dir + " is not empty and holds no " + what + ": choose a new folder "
                    + "(an existing one is reused only to resume its own run)");
        }
    }

    /** Whether {@code a} and {@code b} are the same folder or one lies inside the other (symbolic links followed). */
    public static boolean overlaps(Path a, Path b) throws IOException {
        Path x = real(a);
        Path y = real(b);
        return x.startsWith(y) || y.startsWith(x);
    }

    private static Path real(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        // the longest existing ancestor resolved, the rest appended: works for folders not yet created
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        return existing == null ? abs : existing.toRealPath().resolve(existing.relativize(abs));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** {@link #recover}, for a loader: a folder it cannot repair is reported by the load that follows, not here. */
    public static void recoverQuietly(Path target) {
        try {
            recover(target);
        } catch (IOException | RuntimeException e) {
            // the load that follows names the missing folder
        }
    }

    private static void step(int k) {
        if (HALT_AFTER == k) Runtime.getRuntime().halt(97);
    }

    private static boolean running(long pid) {
        return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Forces every file under {@code dir} (and the folders) to disk, so a rename never publishes data still in the page cache. */
    private static void syncTree(Path dir) throws IOException {
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(dir)) {
            s.forEach(all::add);
        }
        for (Path p : all) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) sync(p);
            else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) syncDir(p);
        }
    }

    /** Forces one file's bytes to disk. */
    static void sync(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }

    /** Forces a folder's entries (a rename) to disk where the platform allows opening a folder; elsewhere a no-op. */
    private static void syncDir(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported for folders on this platform: the rename is still atomic, only its durability is weaker
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(p)) {
            s.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) Files.deleteIfExists(all.get(i));
    }
}
