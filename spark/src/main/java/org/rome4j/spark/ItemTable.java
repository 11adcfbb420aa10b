package org.rome4j.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A job's per-item rows as Parquet under {@code OUT/rows}, appended task by task: with the
 * version-2 file committer ({@link SparkMain#session}) each finished task's file lands at once, so
 * a job stopped halfway keeps what its finished tasks wrote and a rerun skips those items. Every row
 * has {@code idx} (the item's position in the input), {@code key} (of its content, {@link #key}) and
 * {@code status} ({@code error} rows are retried on a rerun).
 */
final class ItemTable {
    private ItemTable() { }

    static Path rows(Path out) {
        return out.resolve("rows");
    }

    /** The rows written so far, or null when none. */
    static Dataset<Row> read(SparkSession spark, Path out) throws IOException {
        Path dir = rows(out);
        if (!Files.isDirectory(dir)) return null;
        try (Stream<Path> s = Files.list(dir)) {
            if (s.noneMatch(p -> p.getFileName().toString().endsWith(".parquet"))) return null;
        }
        return spark.read().parquet(dir.toString());
    }

    /**
     * Items already done: a row that is not an error and whose {@code key} is the item's now (a row of
     * an input that changed since is ignored and its item done again).
     */
    static Set<Integer> done(SparkSession spark, Path out, List<String> keys) throws IOException {
        Dataset<Row> rows = read(spark, out);
        Set<Integer> ids = new HashSet<>();
        if (rows == null) return ids;
        List<Row> xs = rows.where(functions.col("status").notEqual("error")).select("idx", "key").distinct().collectAsList();
        for (Row r : xs) if (current(r.getInt(0), r.getString(1), keys)) ids.add(r.getInt(0));
        return ids;
    }

    /** Whether a row written for item {@code idx} with {@code key} belongs to the input as it is now. */
    static boolean current(int idx, String key, List<String> keys) {
        return idx < keys.size() && keys.get(idx).equals(key);
    }

    /** A short stable key of an item's content (String.hashCode is specified, so the same in every JVM). */
    static String key(String content) {
        return Integer.toHexString(content.hashCode()) + "/" + content.length();
    }

    /** Appends rows. */
    static void append(Dataset<Row> rows, Path out) {
        rows.write().mode(SaveMode.Append).parquet(rows(out).toString());
    }
}
