package org.rome4j.spark;

import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.rome.KeyStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stats on Spark against ./rome4j stats: the golden corpus, a seeded sample, two layers in one job, text and Parquet. */
class StatsJobTest {
    @Test
    void sameMomentAsTheSingleMachine(@TempDir Path tmp) throws Exception {
        Path corpus = LocalSpark.shared().resolve("golden/tiny-gpt2/rome/corpus.txt");
        // the same texts as Parquet (a text column), as the Wikipedia dumps come
        List<String> lines = Files.readAllLines(corpus);
        Path parquet = tmp.resolve("corpus.parquet");
        LocalSpark.get().createDataset(lines, Encoders.STRING()).toDF("text").coalesce(1).write().parquet(parquet.toString());

        // the CLI's cache layout (what edit reads): several layers in one pass on both faces
        Path cliDir = tmp.resolve("single");
        LocalSpark.Run r = LocalSpark.cli("stats", "--model", "tiny-facts", "--layers", "0,2", "--corpus", corpus.toString(),
                "--samples", "60", "--precision", "float64", "--stats-dir", cliDir.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        Path dir = tmp.resolve("spark");
        LocalSpark.Run s = LocalSpark.run("stats", "--model", "tiny-facts", "--layers", "0,2", "--corpus", corpus.toString(), "--samples", "60",
                "--precision", "float64", "--stats-dir", dir.toString(), "--partitions", "3", "--json");
        assertEquals(0, s.status(), s.err());
        List<Path> cliFiles = npzUnder(cliDir);
        assertEquals(2, cliFiles.size(), cliFiles.toString());
        for (Path f : cliFiles) {
            Path same = dir.resolve(cliDir.relativize(f).toString());
            assertTrue(Files.isRegularFile(same), "the same cache path under --stats-dir: " + same);
            KeyStats a = KeyStats.read(f);
            KeyStats b = KeyStats.read(same);
            assertEquals(a.count(), b.count(), "tokens of the sampled texts");
            assertMomentClose(a, b, 1e-12);
        }
        try (var w = Files.walk(dir)) {
            assertTrue(w.noneMatch(x -> x.getFileName().toString().endsWith(".parts")), "the partial sums are removed after success");
        }
        Path pq = tmp.resolve("pq.npz");
        LocalSpark.Run p = LocalSpark.run("stats", "--model", "tiny-facts", "--layer", "2", "--corpus", parquet.toString(), "--samples", "60",
                "--precision", "float64", "--out", pq.toString(), "--partitions", "2", "--json");
        assertEquals(0, p.status(), p.err());
        Path layer2 = cliFiles.stream().filter(f -> f.getFileName().toString().contains(".2.")).findFirst().orElseThrow();
        Path layer0 = cliFiles.stream().filter(f -> f.getFileName().toString().contains(".0.")).findFirst().orElseThrow();
        assertMomentClose(KeyStats.read(layer2), KeyStats.read(pq), 1e-12);

        // the CLI's file rule: an existing output is replaced only with --overwrite
        LocalSpark.Run again = LocalSpark.run("stats", "--model", "tiny-facts", "--layer", "2", "--corpus", parquet.toString(), "--out", pq.toString());
        assertEquals(2, again.status(), again.err());
        assertTrue(again.err().contains("--overwrite") && again.err().strip().lines().count() == 1, again.err());

        // the comparison tells layers apart (the tolerance is not vacuous)
        assertTrue(maxRel(KeyStats.read(layer0), KeyStats.read(pq)) > 1e-3);
    }

    @Test
    void aFailedRunResumesWithTheSameSettings(@TempDir Path tmp) throws Exception {
        Path corpus = LocalSpark.shared().resolve("golden/tiny-gpt2/rome/corpus.txt");
        String[] args = {"stats", "--model", "tiny-facts", "--layer", "1", "--corpus", corpus.toString(), "--precision", "float64",
            "--tokens-per-batch", "16", "--json"};
        Path once = tmp.resolve("once.npz");
        LocalSpark.Run a = LocalSpark.run(concat(args, "--out", once.toString(), "--partitions", "4"));
        assertEquals(0, a.status(), a.err());

        Path resumed = tmp.resolve("resumed.npz");
        LocalSpark.get().conf().set("spark.rome4j.test.failFromPartition", "3");
        LocalSpark.Run failed;
        try {
            failed = LocalSpark.run(concat(args, "--out", resumed.toString(), "--partitions", "4"));
        } finally {
            LocalSpark.get().conf().unset("spark.rome4j.test.failFromPartition");
        }
        assertEquals(1, failed.status(), failed.err());
        assertTrue(Files.notExists(resumed), "no output after a failed run");
        // the rerun with the same options (numbers saved and read back in config.json) resumes instead of refusing,
        // with the first run's partitioning (not 4 per core of whatever cluster it runs on now)
        LocalSpark.Run b = LocalSpark.run(concat(args, "--out", resumed.toString()));
        assertEquals(0, b.status(), b.err());
        assertTrue(b.err().matches("(?s).* [1-9][0-9]* already written.*"), b.err());
        assertEquals(4, new com.fasterxml.jackson.databind.ObjectMapper().readTree(b.out()).get("partitions").asInt());
        assertEquals(KeyStats.read(once).count(), KeyStats.read(resumed).count());
        assertMomentClose(KeyStats.read(once), KeyStats.read(resumed), 1e-12);
    }

    @Test
    void everyCorpusFileIsRead(@TempDir Path tmp) throws Exception {
        Path corpus = LocalSpark.shared().resolve("golden/tiny-gpt2/rome/corpus.txt");
        List<String> lines = Files.readAllLines(corpus);
        Path a = tmp.resolve("a.txt");
        Path b = tmp.resolve("b.txt");
        Files.write(a, lines.subList(0, lines.size() / 2));
        Files.write(b, lines.subList(lines.size() / 2, lines.size()));
        Path whole = tmp.resolve("whole.npz");
        LocalSpark.Run c = LocalSpark.cli("stats", "--model", "tiny-facts", "--layer", "1", "--corpus", corpus.toString(), "--samples", "80",
                "--precision", "float64", "--out", whole.toString());
        assertEquals(0, c.status(), c.err());
        Path onlyB = tmp.resolve("b.npz");
        assertEquals(0, LocalSpark.cli("stats", "--model", "tiny-facts", "--layer", "1", "--corpus", b.toString(), "--precision", "float64",
                "--out", onlyB.toString()).status());
        // as the CLI takes them: several words after one --corpus, or --corpus repeated
        String[][] forms = {{"--corpus", a.toString(), b.toString()}, {"--corpus", a.toString(), "--corpus", b.toString()}};
        for (int i = 0; i < forms.length; i++) {
            Path got = tmp.resolve("spark" + i + ".npz");
            LocalSpark.Run s = LocalSpark.run(concat(concat(new String[] {"stats", "--model", "tiny-facts", "--layer", "1"}, forms[i]),
                    "--samples", "80", "--precision", "float64", "--out", got.toString(), "--partitions", "2"));
            assertEquals(0, s.status(), s.err());
            assertEquals(KeyStats.read(whole).count(), KeyStats.read(got).count(), "the same 80 of both files' documents: " + String.join(" ", forms[i]));
            assertMomentClose(KeyStats.read(whole), KeyStats.read(got), 1e-12);
            assertTrue(KeyStats.read(got).count() != KeyStats.read(onlyB).count());
        }
    }

    private static List<Path> npzUnder(Path dir) throws Exception {
        try (var w = Files.walk(dir)) {
            return w.filter(x -> x.getFileName().toString().endsWith(".npz")).sorted().toList();
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void anUnknownCorpusFormatGetsOneLine(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("c.csv");
        Files.writeString(csv, "a,b\n");
        LocalSpark.Run r = LocalSpark.run("stats", "--model", "tiny-facts", "--layer", "0", "--corpus", csv.toString(), "--out",
                tmp.resolve("x.npz").toString());
        assertEquals(2, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(".txt") && r.err().contains(".jsonl") && r.err().contains(".parquet"), r.err());
        LocalSpark.Run c = LocalSpark.cli("stats", "--model", "tiny-facts", "--layer", "0", "--corpus", csv.toString(), "--out",
                tmp.resolve("y.npz").toString());
        assertEquals(2, c.status());
        assertTrue(c.err().contains(".jsonl"), c.err());
    }

    private static void assertMomentClose(KeyStats a, KeyStats b, double rel) {
        assertEquals(a.width(), b.width());
        double m = maxRel(a, b);
        assertTrue(m <= rel, "C differs by " + m + " relative");
    }

    private static double maxRel(KeyStats a, KeyStats b) {
        double[] x = a.moment();
        double[] y = b.moment();
        double scale = 0;
        for (double v : x) scale = Math.max(scale, Math.abs(v));
        double worst = 0;
        for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / scale);
        return worst;
    }
}
