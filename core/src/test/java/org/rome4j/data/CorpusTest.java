package org.rome4j.data;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Corpus reading and the original's seeded sample (numbers from CPython 3.11's random module). */
class CorpusTest {
    @Test
    void shuffleIsPythons() {
        // random.Random(1).shuffle(list(range(10)))
        int[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        new PyRandom(1).shuffle(x);
        assertArrayEquals(new int[] {6, 8, 9, 7, 5, 3, 0, 4, 1, 2}, x);
        // random.Random(1).shuffle(list(range(205)))[:20]: the golden corpus's size
        int[] y = new int[205];
        for (int i = 0; i < y.length; i++) y[i] = i;
        new PyRandom(1).shuffle(y);
        assertArrayEquals(new int[] {14, 188, 83, 160, 80, 173, 87, 150, 159, 111, 158, 32, 79, 163, 191, 20, 36, 19, 86, 139},
                Arrays.copyOf(y, 20));
        // a seed of two 32-bit words, 100,000 items (the original's sample size)
        int[] z = new int[100_000];
        for (int i = 0; i < z.length; i++) z[i] = i;
        new PyRandom(12345678901L).shuffle(z);
        assertArrayEquals(new int[] {72009, 12314, 10929, 28859, 47650, 79345, 94335, 13898}, Arrays.copyOf(z, 8));
    }

    @Test
    void sampleKeepsTheShuffledPrefixInFileOrder(@TempDir Path tmp) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) lines.add("document " + i);
        Path txt = tmp.resolve("a.txt");
        Files.write(txt, List.of(lines.get(0), lines.get(1), "", lines.get(2), lines.get(3), lines.get(4)));
        Path jsonl = tmp.resolve("b.jsonl");
        List<String> js = new ArrayList<>();
        for (int i = 5; i < 10; i++) js.add("{\"id\": " + i + ", \"text\": \"" + lines.get(i) + "\"}");
        js.add("{\"text\": \"  \"}");    // blank text: no document
        Files.write(jsonl, js);
        Corpus c = Corpus.of(List.of(txt, jsonl));
        assertEquals(10, c.count());
        List<String> all = new ArrayList<>();
        c.documents().forEachRemaining(all::add);
        assertEquals(lines, all);
        // shuffle of range(10) with seed 1 is [6, 8, 9, 7, 5, ...]: the first 4 are documents 6, 7, 8, 9
        List<String> got = new ArrayList<>();
        c.sample(4, 1).forEachRemaining(got::add);
        assertEquals(List.of("document 6", "document 7", "document 8", "document 9"), got);
        assertArrayEquals(new long[] {0, 3, 5, 6, 7, 8, 9}, Corpus.sampleIndices(10, 7, 1));
        List<String> everything = new ArrayList<>();
        c.sample(50, 1).forEachRemaining(everything::add);
        assertEquals(lines, everything, "a sample larger than the corpus is the whole corpus");
    }

    /** Parquet gives the documents the same texts give as JSON lines, for each codec, across row groups. */
    @Test
    void parquetReadsLikeJsonLines(@TempDir Path tmp) throws Exception {
        List<String> texts = new ArrayList<>();
        List<String> json = new ArrayList<>();
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 700; i++) {
            String t = i % 50 == 3 ? null : i % 50 == 4 ? "   " : "doc " + i + " é " + "x".repeat(r.nextInt(40));
            texts.add(t);
            json.add(t == null ? "{\"id\": " + i + "}" : "{\"id\": " + i + ", \"text\": \"" + t + "\"}");
        }
        json.removeIf(l -> !l.contains("text"));     // a JSON line without text is an error there, a null here is no document
        Path jsonl = tmp.resolve("c.jsonl");
        Files.write(jsonl, json);
        List<String> expected = new ArrayList<>();
        Corpus.of(List.of(jsonl)).documents().forEachRemaining(expected::add);
        assertEquals(700 - 28, expected.size());
        for (CompressionCodecName codec : List.of(CompressionCodecName.UNCOMPRESSED, CompressionCodecName.SNAPPY,
                CompressionCodecName.ZSTD, CompressionCodecName.GZIP, CompressionCodecName.LZ4_RAW)) {
            Path pq = tmp.resolve("c-" + codec + ".parquet");
            ParquetFiles.write(pq, texts, codec, 4096, "text");
            assertTrue(ParquetFiles.rowGroups(pq) > 1, "several row groups");
            List<String> got = new ArrayList<>();
            Corpus c = Corpus.of(List.of(pq));
            c.documents().forEachRemaining(got::add);
            assertEquals(expected, got, codec.toString());
            List<String> sampled = new ArrayList<>();
            c.sample(100, 3).forEachRemaining(sampled::add);
            List<String> jsonSample = new ArrayList<>();
            Corpus.of(List.of(jsonl)).sample(100, 3).forEachRemaining(jsonSample::add);
            assertEquals(jsonSample, sampled, "the same sample from either format");
            assertEquals(Corpus.sample(expected, 100, 3), sampled, "an in-memory corpus samples alike");
        }
    }

    @Test
    void formatsAreNamedInErrors(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("c.csv");
        Files.writeString(csv, "a,b\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Corpus.of(List.of(csv)));
        assertTrue(e.getMessage().contains(".txt") && e.getMessage().contains(".jsonl") && e.getMessage().contains(".parquet"), e.getMessage());
        Path pq = tmp.resolve("w.parquet");
        Files.writeString(pq, "x");
        String notParquet = assertThrows(IllegalArgumentException.class, () -> Corpus.of(List.of(pq)).count()).getMessage();
        assertTrue(notParquet.contains("not a readable Parquet file") && notParquet.contains(pq.toString()), notParquet);
        assertTrue(!notParquet.contains("@") && !notParquet.contains("InputFile"), "names a Java object: " + notParquet);
        Files.writeString(pq, "x".repeat(100));     // long enough for a footer, without Parquet's magic
        String noMagic = assertThrows(IllegalArgumentException.class, () -> Corpus.of(List.of(pq)).count()).getMessage();
        assertTrue(!noMagic.contains("@") && !noMagic.contains("InputFile"), "names a Java object: " + noMagic);
        Path noText = tmp.resolve("body.parquet");
        ParquetFiles.write(noText, List.of("a", "b"), CompressionCodecName.SNAPPY, 1 << 20, "body");
        String named = assertThrows(IllegalArgumentException.class, () -> Corpus.of(List.of(noText)).count()).getMessage();
        assertTrue(named.contains("no string column \"text\"") && named.contains("[id, body]"), named);
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"title\": \"no text\"}\n");
        assertThrows(IllegalArgumentException.class, () -> Corpus.of(List.of(bad)).count());
    }
}
