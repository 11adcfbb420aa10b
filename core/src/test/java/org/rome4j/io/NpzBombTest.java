package org.rome4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A statistics archive is read no further than its arrays' headers declare: a zip bomb neither fills memory nor passes. */
class NpzBombTest {

    private static byte[] npyHeader(String shape) {
        String h = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
        StringBuilder sb = new StringBuilder(h);
        while ((10 + sb.length() + 1) % 64 != 0) sb.append(' ');
        sb.append('\n');
        byte[] hb = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + hb.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0).putShort((short) hb.length).put(hb);
        return b.array();
    }

    @Test
    void anEntryThatInflatesPastItsHeaderIsReadOnlyAsFarAsTheHeaderSays(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("bomb.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("mom2.npy"));
            z.write(npyHeader("(2,)"));
            ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-2);
            z.write(data.array());
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 2100; i++) z.write(zeros);      // 2.2 GB of zeros after the data: more than one Java array holds
            z.closeEntry();
        }
        assertTrue(Files.size(f) < 20_000_000, "the bomb is small on disk: " + Files.size(f));
        Map<String, org.rome4j.io.Npy.Array> m = Npz.read(f, Set.of("mom2"));
        assertArrayEquals(new double[] {1.5, -2}, m.get("mom2").data());
    }

    @Test
    void aHeaderDeclaringAHugeArrayIsRefusedInOneLine(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("huge.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("mom2.npy"));
            z.write(npyHeader("(100000, 100000)"));
            z.closeEntry();
        }
        var e = assertThrows(java.io.IOException.class, () -> Npz.read(f, Set.of("mom2")));
        assertTrue(e.getMessage().contains("over rome4j's limit") && !e.getMessage().contains("\n"), e.getMessage());
    }
}
