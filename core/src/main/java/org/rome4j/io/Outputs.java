package org.rome4j.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Writing outputs without surprises: an existing file or folder is replaced only when the caller
 * passes {@code overwrite}, a file is never written over a folder (or the reverse), and the output is
 * written under a temporary name beside the target and moved into place, so an interrupted or failed
 * write never leaves a partial file that looks complete.
 */
public final class Outputs {
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
        Path t = target.toAbsolutePath().normalize();
        Path parent = Files.createDirectories(t.getParent());
        Path tmp = parent.resolve("." + t.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            w.write(tmp);
            move(tmp, t);
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
     * Writes one folder. An existing folder is replaced only with {@code overwrite}, and only when
     * {@code replaceable} accepts it (or it is empty), so that a mistyped path cannot delete unrelated files.
     *
     * @throws IllegalArgumentException when the target is a file, exists without {@code overwrite}, or is not replaceable
     */
    public static void folder(Path target, boolean overwrite, String flag, Predicate<Path> replaceable, String what, Writer w)
            throws IOException {
        checkFolder(target, overwrite, flag, replaceable, what);
        Path t = target.toAbsolutePath().normalize();
        boolean exists = Files.exists(t);
        Path parent = Files.createDirectories(t.getParent());
        long pid = ProcessHandle.current().pid();
        Path tmp = parent.resolve("." + t.getFileName() + ".tmp-" + pid);
        Path old = parent.resolve("." + t.getFileName() + ".old-" + pid);
        deleteTree(tmp);
        try {
            Files.createDirectories(tmp);
            w.write(tmp);
            if (exists) move(t, old);
            move(tmp, t);
        } finally {
            deleteTree(tmp);
            deleteTree(old);
        }
    }

    /** The checks of {@link #folder} alone, to refuse before a long computation rather than after it. */
    public static void checkFolder(Path target, boolean overwrite, String flag, Predicate<Path> replaceable, String what)
            throws IOException {
        Path t = target.toAbsolutePath().normalize();
        checkParent(target);
        boolean exists = Files.exists(t);
        if (exists && !Files.isDirectory(t)) {
            throw new IllegalArgumentException(target + " is a file: give a folder for the " + what);
        }
        if (exists && !overwrite) {
            throw new IllegalArgumentException(target + " exists: pass " + flag + " to replace it, or choose a new folder");
        }
        if (exists && !isEmpty(t) && !replaceable.test(t)) {
            throw new IllegalArgumentException(target + " is not empty and holds no " + what + ": refusing to replace it; choose a new folder");
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
