package org.rome4j.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * The partial sums of {@code stats}, one set per partition and layer, as Parquet rows of primitive bytes: a header row
 * ({@code chunk = -1}: token count, width, number of chunks) and the F×F sum cut into chunks of {@link #CHUNK} float64
 * values, little-endian, in a binary column. Nothing is boxed (a boxed F×F array at GPT-2 XL's width, 6400, is 41 M
 * objects: more than a 1 GB executor holds); a task holds its sums and one chunk, the driver the layer's sum and one chunk.
 * Every row names its task attempt: a partition written twice (an executor lost after its task committed) is read once.
 */
final class PartialSums {
    /** Values per chunk: 512 KiB of bytes per row. */
    static final int CHUNK = 1 << 16;
    static final StructType SCHEMA = new StructType()
            .add("layer", DataTypes.IntegerType, false)
            .add("part", DataTypes.IntegerType, false)
            .add("attempt", DataTypes.LongType, false)
            .add("chunk", DataTypes.IntegerType, false)       // -1: the header
            .add("count", DataTypes.LongType, false)          // header: tokens; chunk: its first value's index
            .add("width", DataTypes.IntegerType, false)       // header: F; chunk: its number of values
            .add("chunks", DataTypes.IntegerType, false)      // header: chunks that follow; chunk: 0
            .add("values", DataTypes.BinaryType, false);

    /** One partition's sums at one layer. */
    record Sum(int layer, long count, int width, double[] sum) { }

    private PartialSums() { }

    /** The rows of one partition, made as they are read (one chunk of bytes at a time). */
    static Iterator<Row> rows(int part, long attempt, List<Sum> sums) {
        List<Row> headers = new ArrayList<>();
        for (Sum s : sums) headers.add(RowFactory.create(s.layer(), part, attempt, -1, s.count(), s.width(), chunks(s), new byte[0]));
        return new Iterator<>() {
            int layer = -1;       // index into sums once the headers are out
            int chunk;
            int header;

            @Override
            public boolean hasNext() {
                if (header < headers.size()) return true;
                while (layer < sums.size() && (layer < 0 || chunk >= chunks(sums.get(layer)))) {
                    layer++;
                    chunk = 0;
                }
                return layer < sums.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                if (header < headers.size()) return headers.get(header++);
                Sum s = sums.get(layer);
                int from = chunk * CHUNK;
                int n = Math.min(CHUNK, s.sum().length - from);
                ByteBuffer b = ByteBuffer.allocate(n * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                b.asDoubleBuffer().put(s.sum(), from, n);
                return RowFactory.create(s.layer(), part, attempt, chunk++, (long) from, n, 0, b.array());
            }
        };
    }

    private static int chunks(Sum s) {
        return s.sum() == null ? 0 : (s.sum().length + CHUNK - 1) / CHUNK;
    }

    /** Appends rows to {@code dir} in row groups small enough that a writer buffers little beside its sums. */
    static void append(Dataset<Row> rows, Path dir) {
        rows.write().mode(SaveMode.Append).option("parquet.block.size", 8 << 20).parquet(dir.toString());
    }

    /** Whether {@code dir} holds any rows yet. */
    static boolean any(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) return false;
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".parquet"));
        }
    }

    /** A header: which attempt of a partition is read, its tokens, width and chunks. */
    record Header(int part, long attempt, long count, int width, int chunks) { }

    /** Per layer, per partition (in order): the header of the first attempt written (the same numbers as any other). */
    static Map<Integer, TreeMap<Integer, Header>> headers(SparkSession spark, Path dir) throws java.io.IOException {
        Map<Integer, TreeMap<Integer, Header>> out = new TreeMap<>();
        if (!any(dir)) return out;
        for (Row r : spark.read().parquet(dir.toString()).where("chunk = -1").select("layer", "part", "attempt", "count", "width", "chunks")
                .collectAsList()) {
            Header h = new Header(r.getInt(1), r.getLong(2), r.getLong(3), r.getInt(4), r.getInt(5));
            out.computeIfAbsent(r.getInt(0), k -> new TreeMap<>()).merge(h.part(), h, (a, b) -> a.attempt() <= b.attempt() ? a : b);
        }
        return out;
    }

    /**
     * A layer's sum over partitions, added in float64 in partition order (the same order every run), streamed a chunk
     * at a time: the driver holds the F×F result and one chunk.
     */
    static double[] reduce(SparkSession spark, Path dir, int layer, TreeMap<Integer, Header> parts) {
        int width = 0;
        for (Header h : parts.values()) width = Math.max(width, h.width());
        if (width == 0) return null;
        double[] sum = new double[Math.multiplyExact(width, width)];
        // small read splits: the driver holds one split's rows beside the sum
        String splitKey = "spark.sql.files.maxPartitionBytes";
        String split = spark.conf().get(splitKey, null);
        spark.conf().set(splitKey, String.valueOf(16 << 20));
        try {
            add(spark.read().parquet(dir.toString()), layer, parts, sum, dir);
        } finally {
            if (split == null) spark.conf().unset(splitKey);
            else spark.conf().set(splitKey, split);
        }
        return sum;
    }

    private static void add(Dataset<Row> all, int layer, TreeMap<Integer, Header> parts, double[] sum, Path dir) {
        for (Header h : parts.values()) {
            if (h.chunks() == 0) continue;
            Dataset<Row> mine = all.where("layer = " + layer + " AND part = " + h.part() + " AND attempt = " + h.attempt() + " AND chunk >= 0")
                    .select("count", "width", "values");
            int seen = 0;
            for (Iterator<Row> it = mine.toLocalIterator(); it.hasNext(); ) {
                Row r = it.next();
                int from = (int) r.getLong(0);
                int n = r.getInt(1);
                DoubleBuffer d = ByteBuffer.wrap((byte[]) r.get(2)).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
                for (int i = 0; i < n; i++) sum[from + i] += d.get(i);
                seen++;
            }
            if (seen != h.chunks()) {
                throw new IllegalStateException("the partial sums of partition " + h.part() + " are incomplete (" + seen + " of " + h.chunks()
                        + " chunks): delete " + dir.getParent() + " and run again");
            }
        }
    }
}
