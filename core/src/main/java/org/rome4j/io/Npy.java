package org.rome4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} arrays (C order, little-endian float32, float64, int64 or int32),
 * the format of the golden files and of noise and statistics files exchanged with Python.
 */
public final class Npy {

    /** An array read from a .npy file; data are widened to double. */
    public record Array(long[] shape, String dtype, double[] data) {
        /** Data narrowed to float. */
        public float[] floats() {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
            return f;
        }

        /** Data as longs (for integer arrays). */
        public long[] longs() {
            long[] l = new long[data.length];
            for (int i = 0; i < l.length; i++) l[i] = (long) data[i];
            return l;
        }

        /** Number of elements. */
        public int size() {
            return data.length;
        }

        @Override
        public String toString() {
            return "Npy.Array" + Arrays.toString(shape) + " " + dtype;
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() { }

    /** Reads a .npy file. */
    public static Array read(Path path) throws IOException {
        return read(Files.readAllBytes(path), path.toString());
    }

    /** A .npy header: shape, dtype, element width, where the data starts, how many elements. */
    private record Header(long[] shape, String descr, int width, int dataStart, long n) { }

    /** Most elements rome4j reads from one array (GPT-2 XL's C has 40,960,000): a header declaring more is refused. */
    static final long MAX_ELEMENTS = 1L << 28;

    /** The file's length as its header declares it (magic, header and data), from its first bytes: for reads that stop there. */
    static long declaredLength(byte[] head, String name) throws IOException {
        Header h = header(head, name);
        return h.dataStart() + h.n() * h.width();
    }

    private static Header header(byte[] bytes, String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || bytes[1] != 'N' || bytes[2] != 'U') {
            throw new CorruptFileException(name + " is not a .npy file (bad magic): save it with numpy.save");
        }
        int major = bytes[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            start = 10;
        } else {
            headerLen = b.getInt(8);
            start = 12;
        }
        if (start + headerLen > bytes.length) {
            throw new CorruptFileException(name + " is truncated inside its .npy header");
        }
        String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) {
            throw new CorruptFileException(name + " has an unreadable .npy header: save it with numpy.save");
        }
        if (o.group(1).equals("True")) {
            throw new CorruptFileException(name + " is Fortran-ordered: save a C-ordered array (numpy.ascontiguousarray)");
        }
        String[] dims = s.group(1).split(",");
        long[] shape = Arrays.stream(dims).map(String::trim).filter(x -> !x.isEmpty()).mapToLong(Long::parseLong).toArray();
        long n = 1;
        for (long x : shape) {
            if (x < 0 || (x > 0 && n > MAX_ELEMENTS / x)) {
                throw new CorruptFileException(name + " declares an array of shape " + Arrays.toString(shape) + ", over rome4j's limit of "
                        + MAX_ELEMENTS + " elements: not a file rome4j or numpy.savez wrote for a model it can load");
            }
            n *= x;
        }
        String descr = d.group(1);
        int width;
        switch (descr) {
            case "<f4": case "<i4": width = 4; break;
            case "<f8": case "<i8": width = 8; break;
            case "|u1": case "|b1": case "|i1": width = 1; break;
            default:
                throw new CorruptFileException(name + " has dtype " + (descr.matches("[<>|=]?[a-zA-Z]\\d{0,2}") ? descr : "(unreadable)")
                        + "; expected little-endian f4, f8, i4 or i8");
        }
        int dataStart = start + headerLen;
        return new Header(shape, descr, width, start + headerLen, n);
    }

    /** Reads .npy bytes; {@code name} is used in error messages. */
    public static Array read(byte[] bytes, String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Header h = header(bytes, name);
        long[] shape = h.shape();
        long n = h.n();
        String descr = h.descr();
        int width = h.width();
        int dataStart = h.dataStart();
        if (dataStart + n * width > bytes.length) {
            throw new CorruptFileException(name + " is truncated: " + n + " elements of " + width
                    + " bytes expected after the header");
        }
        double[] data = new double[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) {
            int p = dataStart + i * width;
            switch (descr) {
                case "<f4": data[i] = b.getFloat(p); break;
                case "<f8": data[i] = b.getDouble(p); break;
                case "<i4": data[i] = b.getInt(p); break;
                case "<i8": data[i] = b.getLong(p); break;
                default: data[i] = bytes[p]; break;
            }
        }
        return new Array(shape, descr, data);
    }

    /** Writes a float32 array. */
    public static void writeFloat(Path path, long[] shape, float[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) b.putFloat(f);
        write(path, "<f4", shape, b.array());
    }

    /** Writes a float64 array. */
    public static void writeDouble(Path path, long[] shape, double[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double f : data) b.putDouble(f);
        write(path, "<f8", shape, b.array());
    }

    /** The bytes of a .npy file holding float64 data. */
    public static byte[] encodeDouble(long[] shape, double[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double f : data) b.putDouble(f);
        return encode("<f8", shape, b.array());
    }

    /** The bytes of a .npy file holding float32 data. */
    public static byte[] encodeFloat(long[] shape, float[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) b.putFloat(f);
        return encode("<f4", shape, b.array());
    }

    /** The bytes of a .npy file holding int64 data ({@code shape} may be empty: a scalar). */
    public static byte[] encodeLong(long[] shape, long[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long f : data) b.putLong(f);
        return encode("<i8", shape, b.array());
    }

    /** The bytes of a .npy file holding one unicode string (numpy {@code <U}n, UTF-32LE), as numpy saves a str. */
    public static byte[] encodeString(String s) {
        int[] cps = s.codePoints().toArray();
        ByteBuffer b = ByteBuffer.allocate(Math.max(1, cps.length) * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int c : cps) b.putInt(c);
        return encode("<U" + Math.max(1, cps.length), new long[0], b.array());
    }

    private static void write(Path path, String descr, long[] shape, byte[] payload) throws IOException {
        byte[] bytes = encode(descr, shape, payload);
        Outputs.atomic(path, tmp -> Files.write(tmp, bytes));
    }

    private static byte[] encode(String descr, long[] shape, byte[] payload) {
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sh.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) sh.append(i < shape.length - 1 ? ", " : ",");
        }
        sh.append(")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + sh + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1));
        out.put(payload);
        return out.array();
    }
}
