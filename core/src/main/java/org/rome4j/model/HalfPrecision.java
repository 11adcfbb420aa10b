package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rome4j.io.SafeTensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reading weights in a {@link WeightType}, widening them to float32 for a layer, rounding edits back.
 * BF16 weights are bfloat16 bit patterns held in FLOAT16 arrays: DJL 0.33 / libtorch 2.5.1 abort the JVM
 * on BFLOAT16 and on INT16 arrays alike, while a FLOAT16 array carries any 16 bits unchanged (gathered by
 * the embedding lookup, copied, memory-mapped).
 */
final class HalfPrecision {
    private HalfPrecision() { }

    /**
     * A tensor of a file in the stored type: the file's own bytes, memory-mapped, when its type is the
     * stored one (F32→F32, F16→F16, BF16→BF16); converted otherwise.
     */
    static NDArray read(SafeTensors st, String name, NDManager m, WeightType type) throws IOException {
        SafeTensors.Entry e = st.entries().get(name);
        Shape shape = new Shape(e.shape());
        if (type == WeightType.F32) {
            return st.readFloat(name, m);
        }
        if (type == WeightType.F16 && e.dtype().equals("F16")) {
            return m.create(st.map(name), shape, DataType.FLOAT16);
        }
        if (type == WeightType.BF16 && e.dtype().equals("BF16")) {
            return m.create(st.map(name), shape, DataType.FLOAT16);       // a container for the bf16 bit patterns
        }
        return fromFloat(m, st.readFloatArray(name), shape, type);
    }

    /** float32 values in the stored type (round to nearest even, as torch's {@code .to(dtype)}). */
    static NDArray fromFloat(NDManager m, float[] values, Shape shape, WeightType type) {
        if (type == WeightType.F32) {
            return m.create(values, shape);
        }
        if (type == WeightType.F16) {
            try (NDArray f = m.create(values, shape)) {
                return f.toType(DataType.FLOAT16, false);
            }
        }
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putShort(toBf16(v));
        b.rewind();
        return m.create(b, shape, DataType.FLOAT16);                       // bf16 bit patterns, see widen
    }

    /** The bfloat16 nearest to a float (ties to even; NaN stays NaN). */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) return (short) ((bits >>> 16) | 0x40);
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    /**
     * A stored weight as float32 in {@code scope}: the array itself for F32; for F16 a conversion; for
     * BF16 (bit patterns in a FLOAT16 container) each pattern shifted into the high half of a float32,
     * which is exactly the bfloat16 value, in Java, since DJL offers no bit cast and no 16-bit integer array.
     */
    static NDArray widen(NDArray w, WeightType type, NDManager scope) {
        if (type == WeightType.F32 || w.getDataType() == DataType.FLOAT32) {
            return w;
        }
        if (type == WeightType.F16) {
            NDArray out = w.toType(DataType.FLOAT32, false);
            out.attach(scope);
            return out;
        }
        return bf16ToFloat(w, scope);
    }

    private static final int CHUNK = 1 << 16;
    /** One reused direct buffer for the widened values (no Java heap or direct-memory churn per weight). */
    private static ByteBuffer staging = ByteBuffer.allocateDirect(0);

    private static synchronized NDArray bf16ToFloat(NDArray w, NDManager scope) {
        ByteBuffer src = w.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);     // a view of the (mapped) bits, no copy
        int n = src.remaining() / 2;
        if (staging.capacity() < 4L * n) {
            staging = ByteBuffer.allocateDirect(Math.toIntExact(4L * n));
        }
        ByteBuffer dst = staging.duplicate().order(ByteOrder.nativeOrder());
        dst.limit(4 * n);
        java.util.stream.IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(c -> {
            int end = Math.min(n, (c + 1) * CHUNK);
            for (int i = c * CHUNK; i < end; i++) {
                dst.putFloat(4 * i, Float.intBitsToFloat((src.getShort(2 * i) & 0xffff) << 16));
            }
        });
        // the engine wraps a direct buffer without copying: copy into memory the engine owns and frees on close
        try (NDManager tmp = scope.newSubManager()) {
            NDArray view = tmp.create(dst, w.getShape(), DataType.FLOAT32);
            NDArray out = view.duplicate();
            out.attach(scope);
            return out;
        }
    }
}
