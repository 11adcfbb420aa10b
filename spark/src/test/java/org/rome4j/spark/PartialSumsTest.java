package org.rome4j.spark;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stats' partial sums: the chunk encoding, and GPT-2 XL's width (6,400) through Spark in a 1 GB JVM. */
class PartialSumsTest {
    @Test
    void chunksCarryEveryValueOnceWithoutBoxing() {
        int width = 300;                                      // 90,000 values: two chunks, the second partial
        double[] sum = new double[width * width];
        for (int i = 0; i < sum.length; i++) sum[i] = Math.sin(i) * 1e3;
        Iterator<Row> it = PartialSums.rows(4, 77, List.of(new PartialSums.Sum(3, 12345, width, sum), new PartialSums.Sum(5, 0, 0, null)));
        List<Row> rows = new ArrayList<>();
        it.forEachRemaining(rows::add);
        assertEquals(2 + 2, rows.size(), "two headers, then layer 3's two chunks (layer 5 is empty)");
        assertEquals(-1, rows.get(0).getInt(3));
        assertEquals(12345L, rows.get(0).getLong(4));
        assertEquals(2, rows.get(0).getInt(6));
        assertEquals(0, rows.get(1).getInt(6), "an empty partition has a header and no chunks");
        double[] back = new double[sum.length];
        for (Row r : rows.subList(2, 4)) {
            assertTrue(r.get(7) instanceof byte[], "a chunk is bytes, not a boxed array");
            int from = (int) r.getLong(4);
            int n = r.getInt(5);
            assertTrue(n <= PartialSums.CHUNK);
            ByteBuffer.wrap((byte[]) r.get(7)).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(back, from, n);
        }
        assertArrayEquals(sum, back);
    }

    @Test
    void gpt2XlWidthFitsInAOneGigabyteJvm(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path opens = Path.of(System.getProperty("user.dir"), "java17-opens.txt");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "@" + opens, "-cp", System.getProperty("java.class.path"),
                WideSumsProbe.class.getName(), tmp.resolve("parts").toString(), "6400").redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), tail(out));
        assertTrue(out.contains("width 6400 values 40960000 count 2001"), tail(out));
    }

    private static String tail(String s) {
        String[] lines = s.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
    }
}
