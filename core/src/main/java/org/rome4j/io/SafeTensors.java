package org.rome4j.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}}}, then raw little-endian data.
 *
 * <p>Tensors are read through memory mapping, one tensor at a time, so a checkpoint larger than the
 * heap (or than 2 GiB) loads without a heap copy. BF16 and F16 are widened to F32 as they are read:
 * DJL's PyTorch engine aborts on BF16 arrays.
 */
public final class SafeTensors implements AutoCloseable {

    /** One tensor's entry in the header. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        /** Number of elements. */
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
                        Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Opens a safetensors file and validates its header.
     *
     * @throws CorruptFileException if the header is truncated, not JSON, or points past the file end
     */
    public static SafeTensors open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new CorruptFileException(path + " is truncated (" + fileSize
                        + " bytes, no header): re-download or re-save the checkpoint");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > fileSize) {
                // the "length" is the file's first 8 bytes: not printed, as the file may be anything
                throw new CorruptFileException(path + " is not a safetensors file (its header length does not fit its "
                        + fileSize + " bytes): re-download or re-save the checkpoint");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            JsonNode root;
            try {
                root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CorruptFileException(path + " has a safetensors header that is not valid JSON: "
                        + "re-download or re-save the checkpoint");
            }
            long dataStart = 8 + headerLen;
            long dataLen = fileSize - dataStart;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            var it = root.fields();
            while (it.hasNext()) {
                var f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    f.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode n = f.getValue();
                JsonNode shapeNode = n.get("shape");
                JsonNode off = n.get("data_offsets");
                if (n.get("dtype") == null || shapeNode == null || off == null || off.size() != 2) {
                    throw new CorruptFileException(path + ": header entry " + f.getKey()
                            + " lacks dtype, shape or data_offsets: re-save the checkpoint");
                }
                long[] shape = new long[shapeNode.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asLong();
                }
                Entry e = new Entry(f.getKey(), n.get("dtype").asText(), shape,
                        off.get(0).asLong(), off.get(1).asLong());
                long expected = e.size() * bytesPer(e.dtype(), path, e.name());
                if (e.begin() < 0 || e.end() > dataLen || e.end() - e.begin() != expected) {
                    throw new CorruptFileException(path + ": tensor " + e.name() + " spans bytes ["
                            + e.begin() + ", " + e.end() + ") but needs " + expected + " of " + dataLen
                            + " data bytes (truncated file?): re-download or re-save the checkpoint");
                }
                entries.put(e.name(), e);
            }
            return new SafeTensors(path, ch, dataStart, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(meta));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new CorruptFileException("unexpected end of file");
            }
        }
    }

    private static int bytesPer(String dtype, Path path, String name) throws CorruptFileException {
        switch (dtype) {
            case "F64": case "I64": return 8;
            case "F32": case "I32": return 4;
            case "F16": case "BF16": case "I16": return 2;
            case "U8": case "I8": case "BOOL": return 1;
            default:
                throw new CorruptFileException(path + ": tensor " + name + " has unsupported dtype " + dtype);
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Header entries by name, in file order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The {@code __metadata__} map (may be empty). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Maps one tensor's bytes (read-only, little-endian). */
    public ByteBuffer map(String name) throws IOException {
        Entry e = entry(name);
        MappedByteBuffer buf = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.end() - e.begin());
        return buf.order(ByteOrder.LITTLE_ENDIAN);
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no tensor " + name + " in " + path);
        }
        return e;
    }

    /**
     * Reads a floating point tensor as a float32 NDArray in {@code manager}. F16 and BF16 are widened.
     */
    public NDArray readFloat(String name, NDManager manager) throws IOException {
        Entry e = entry(name);
        ByteBuffer src = map(name);
        Shape shape = new Shape(e.shape());
        switch (e.dtype()) {
            case "F32":
                return manager.create(src, shape, DataType.FLOAT32);
            case "F64":
                try (NDArray d = manager.create(src, shape, DataType.FLOAT64)) {
                    return d.toType(DataType.FLOAT32, false);
                }
            case "F16":
            case "BF16": {
                int n = Math.toIntExact(e.size());
                ByteBuffer dst = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
                boolean bf = e.dtype().equals("BF16");
                for (int i = 0; i < n; i++) {
                    short s = src.getShort(i * 2);
                    dst.putFloat(i * 4, bf ? Float.intBitsToFloat((s & 0xffff) << 16) : halfToFloat(s));
                }
                return manager.create(dst, shape, DataType.FLOAT32);
            }
            default:
                throw new IllegalArgumentException("tensor " + name + " in " + path + " is " + e.dtype()
                        + ", not a floating point type");
        }
    }

    /** Reads a tensor as a Java float array (any float dtype, widened). */
    public float[] readFloatArray(String name) throws IOException {
        Entry e = entry(name);
        ByteBuffer src = map(name);
        int n = Math.toIntExact(e.size());
        float[] out = new float[n];
        switch (e.dtype()) {
            case "F32": src.asFloatBuffer().get(out); break;
            case "F64": for (int i = 0; i < n; i++) out[i] = (float) src.getDouble(i * 8); break;
            case "F16": for (int i = 0; i < n; i++) out[i] = halfToFloat(src.getShort(i * 2)); break;
            case "BF16": for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((src.getShort(i * 2) & 0xffff) << 16); break;
            default: throw new IllegalArgumentException("tensor " + name + " is " + e.dtype() + ", not float");
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** A named float32 tensor to write. */
    public record Tensor(long[] shape, float[] data) { }

    /**
     * Writes float32 tensors in the layout of {@code safetensors.torch.save_file}: names sorted, header
     * padded with spaces to a multiple of 8, {@code __metadata__ = {"format": "pt"}}.
     */
    public static void write(Path path, Map<String, Tensor> tensors) throws IOException {
        Map<String, long[]> shapes = new TreeMap<>();
        tensors.forEach((name, t) -> {
            if (count(t.shape()) != t.data().length) {
                throw new IllegalArgumentException("tensor " + name + ": shape does not match data length");
            }
            shapes.put(name, t.shape());
        });
        write(path, shapes, name -> tensors.get(name).data());
    }

    /**
     * {@link #write(Path, Map)} with each tensor's data made only when it is written, so that a checkpoint
     * larger than the heap (a random GPT-2 XL, 6.2 GB) needs one tensor in memory at a time.
     *
     * @param shapes every tensor's shape, by name
     * @param data   a tensor's float32 values, row-major, asked for once per name in name order
     */
    public static void write(Path path, Map<String, long[]> shapes, java.util.function.Function<String, float[]> data)
            throws IOException {
        TreeMap<String, long[]> sorted = new TreeMap<>(shapes);
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (var en : sorted.entrySet()) {
            long n = count(en.getValue());
            ObjectNode e = header.putObject(en.getKey());
            e.put("dtype", "F32");
            var sh = e.putArray("shape");
            for (long d : en.getValue()) sh.add(d);
            var off = e.putArray("data_offsets");
            off.add(offset);
            off.add(offset + n * 4);
            offset += n * 4;
        }
        byte[] h = JSON.writeValueAsBytes(header);
        int padded = (h.length + 7) / 8 * 8;
        byte[] hp = new byte[padded];
        System.arraycopy(h, 0, hp, 0, h.length);
        for (int i = h.length; i < padded; i++) hp[i] = ' ';
        Outputs.atomic(path, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                os.write(len.array());
                os.write(hp);
                ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (var en : sorted.entrySet()) {
                    float[] values = data.apply(en.getKey());
                    if (values.length != count(en.getValue())) {
                        throw new IllegalArgumentException("tensor " + en.getKey() + ": shape does not match data length");
                    }
                    for (float f : values) {
                        if (!chunk.hasRemaining()) {
                            os.write(chunk.array(), 0, chunk.position());
                            chunk.clear();
                        }
                        chunk.putFloat(f);
                    }
                }
                os.write(chunk.array(), 0, chunk.position());
            }
        });
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** IEEE 754 half to float (Java 17 has no {@code Float.float16ToFloat}). */
    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
