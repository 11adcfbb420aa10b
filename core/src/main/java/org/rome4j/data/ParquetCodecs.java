package org.rome4j.data;

import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Parquet page codecs on aircompressor (pure Java snappy, zstd and LZ4, which parquet-hadoop already brings) and
 * the JDK's gzip. parquet-hadoop's own factory builds Hadoop codecs, which need a Hadoop {@code Configuration}
 * and with it most of Hadoop's dependencies, and native snappy-java and zstd-jni (9 MB); this one needs none.
 */
final class ParquetCodecs implements CompressionCodecFactory {
    /** The codecs supported: what pyarrow and Spark write by default and on request. */
    static final String SUPPORTED = "uncompressed, snappy, zstd, gzip, lz4_raw";

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput in) throws IOException {
                byte[] b = in.toByteArray();
                return BytesInput.from(switch (codec) {
                    case UNCOMPRESSED -> b;
                    case SNAPPY -> pack(new SnappyCompressor(), b);
                    case ZSTD -> pack(new ZstdCompressor(), b);
                    case GZIP -> gzip(b);
                    case LZ4_RAW -> pack(new Lz4Compressor(), b);
                    default -> throw unsupported(codec);
                });
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() { }
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput in, int size) throws IOException {
                byte[] b = in.toByteArray();
                return BytesInput.from(switch (codec) {
                    case UNCOMPRESSED -> b;
                    case SNAPPY -> unpack(new SnappyDecompressor(), b, size);
                    case ZSTD -> unpack(new ZstdDecompressor(), b, size);
                    case GZIP -> gunzip(b, size);
                    case LZ4_RAW -> unpack(new Lz4Decompressor(), b, size);
                    default -> throw unsupported(codec);
                });
            }

            @Override
            public void decompress(ByteBuffer in, int compressedSize, ByteBuffer out, int size) throws IOException {
                byte[] b = new byte[compressedSize];
                in.get(b);
                out.put(decompress(BytesInput.from(b), size).toByteArray());
            }

            @Override
            public void release() { }
        };
    }

    @Override
    public void release() { }

    private static IOException unsupported(CompressionCodecName codec) {
        return new IOException("Parquet pages compressed with " + codec + " are not supported; rewrite the file with one of " + SUPPORTED);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] b, int size) throws IOException {
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return z.readNBytes(size);
        }
    }

    private static byte[] pack(Compressor c, byte[] b) {
        byte[] out = new byte[c.maxCompressedLength(b.length)];
        int n = c.compress(b, 0, b.length, out, 0, out.length);
        return java.util.Arrays.copyOf(out, n);
    }

    private static byte[] unpack(Decompressor d, byte[] b, int size) throws IOException {
        byte[] out = new byte[size];
        int n = d.decompress(b, 0, b.length, out, 0, size);
        if (n != size) throw new IOException("a Parquet page decompressed to " + n + " bytes, its header says " + size);
        return out;
    }
}
