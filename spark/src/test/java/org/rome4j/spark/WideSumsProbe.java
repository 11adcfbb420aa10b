package org.rome4j.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Run by {@link PartialSumsTest} in a JVM of its own with a small heap: two partitions' partial sums at GPT-2 XL's MLP
 * width (6,400: 41 M float64 values, 328 MB each) written as stats writes them and reduced as its driver does. Prints
 * the reduced values it checks, and exits 0 when they are right.
 */
public final class WideSumsProbe {
    private WideSumsProbe() { }

    /** Expected value of partition {@code p}'s sum at {@code i}. */
    static double value(int p, int i) {
        return (i % 997) * 0.25 + p;
    }

    public static void main(String[] args) throws Exception {
        int width = Integer.parseInt(args[1]);
        Path dir = Path.of(args[0]);
        SparkSession spark = SparkSession.builder().master("local[1]").appName("wide sums")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> rows = jsc.parallelize(List.of(0, 1), 2).mapPartitionsWithIndex((p, it) -> {
            double[] sum = new double[width * width];
            for (int i = 0; i < sum.length; i++) sum[i] = value(p, i);
            return PartialSums.rows(p, 100 + p, List.of(new PartialSums.Sum(17, 1000L + p, width, sum)));
        }, false);
        PartialSums.append(spark.createDataFrame(rows, PartialSums.SCHEMA), dir);
        Map<Integer, TreeMap<Integer, PartialSums.Header>> headers = PartialSums.headers(spark, dir);
        double[] sum = PartialSums.reduce(spark, dir, 17, headers.get(17));
        int bad = 0;
        for (int i = 0; i < sum.length; i += 4099) if (sum[i] != value(0, i) + value(1, i)) bad++;
        long count = headers.get(17).values().stream().mapToLong(PartialSums.Header::count).sum();
        System.out.println("width " + width + " values " + sum.length + " count " + count + " last " + sum[sum.length - 1] + " bad " + bad);
        spark.stop();
        System.exit(bad == 0 && count == 2001 && sum[sum.length - 1] == value(0, sum.length - 1) + value(1, sum.length - 1) ? 0 : 3);
    }
}
