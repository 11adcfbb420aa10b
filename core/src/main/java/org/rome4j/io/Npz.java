package org.rome4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz} archives (a zip of {@code .npy} files, as {@code numpy.savez} writes them, entries
 * stored uncompressed). Reads stored or deflated entries.
 */
public final class Npz {
    private Npz() { }

    /**
     * Reads the arrays named in {@code keys} (without {@code .npy}); other entries (e.g. numpy strings
     * the original stores as constructors) are skipped undecoded. Missing keys are simply absent.
     */
    public static Map<String, Npy.Array> read(Path file, Set<String> keys) throws IOException {
        Map<String, Npy.Array> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream z = new ZipInputStream(in)) {
            ZipEntry e;
            boolean any = false;
            while ((e = z.getNextEntry()) != null) {
                any = true;
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                if (keys.contains(name)) {
                    out.put(name, Npy.read(bounded(z, file + ":" + e.getName()), file + ":" + e.getName()));
                }
            }
            if (!any) {
                throw new CorruptFileException(file + " is not a .npz archive (no zip entries): save it with numpy.savez");
            }
        }
        return out;
    }

    /**
     * An entry's bytes, read no further than its .npy header says it holds, so a zip bomb (a small entry that inflates
     * without end) cannot fill memory; whatever follows the declared data is not read.
     */
    private static byte[] bounded(InputStream z, String name) throws IOException {
        byte[] head = z.readNBytes(1 << 16);          // magic and header: numpy writes 128 bytes, a few KiB at most
        long want = Npy.declaredLength(head, name);
        if (want <= head.length) return head;
        byte[] rest = z.readNBytes(Math.toIntExact(Math.min(want - head.length, Integer.MAX_VALUE - 16 - head.length)));
        byte[] all = java.util.Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return all;
    }

    /** Names of the entries (without {@code .npy}). */
    public static Set<String> keys(Path file) throws IOException {
        Set<String> out = new java.util.LinkedHashSet<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream z = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                String n = e.getName();
                out.add(n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n);
            }
        }
        return out;
    }

    /** Writes entries (name → .npy bytes, see {@link Npy#encodeFloat} etc.) as a stored zip, like numpy.savez. */
    public static void write(Path file, Map<String, byte[]> entries) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Outputs.atomic(file, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream z = new ZipOutputStream(os)) {
                z.setMethod(ZipOutputStream.STORED);
                for (Map.Entry<String, byte[]> en : entries.entrySet()) {
                    byte[] b = en.getValue();
                    ZipEntry ze = new ZipEntry(en.getKey() + ".npy");
                    CRC32 crc = new CRC32();
                    crc.update(b);
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(b.length);
                    ze.setCompressedSize(b.length);
                    ze.setCrc(crc.getValue());
                    z.putNextEntry(ze);
                    z.write(b);
                    z.closeEntry();
                }
            }
        });
    }
}
