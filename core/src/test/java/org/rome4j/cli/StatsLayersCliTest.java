package org.rome4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.data.ParquetFiles;
import org.rome4j.rome.KeyStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code stats --layers} over a Parquet corpus: one pass, the original's cache layout, the same sums as one --layer at a time. */
class StatsLayersCliTest {
    @Test
    void layersFromParquetIntoTheCacheLayout(@TempDir Path tmp) throws Exception {
        String model = Shared.tinyGpt2().toString();
        Path txt = Shared.tinyGpt2().resolve("rome/corpus.txt");
        List<String> lines = Files.readAllLines(txt).stream().filter(l -> !l.isBlank()).toList();
        Path pq = tmp.resolve("wiki.parquet");
        ParquetFiles.write(pq, lines, CompressionCodecName.ZSTD, 4096, "text");
        Path dir = tmp.resolve("stats");
        CliRun r = CliRun.of("stats", "--model", model, "--layers", "2,0", "--corpus", pq.toString(), "--samples", "60",
                "--precision", "float64", "--stats-dir", dir.toString(), "--checkpoint-every", "10", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("[0,2]", j.get("layers").toString());
        assertTrue(r.err().contains("60/60 documents (100.0%)"), r.err());
        for (int layer : new int[] {0, 2}) {
            Path f = Path.of(j.get("files").get(Integer.toString(layer)).asText());
            assertEquals(dir.resolve(model.replace("/", "_")).resolve("wikipedia_stats")
                    .resolve("transformer.h." + layer + ".mlp.c_proj_float64_mom2_60.npz"), f);
            Path single = tmp.resolve("single" + layer + ".npz");
            CliRun one = CliRun.of("stats", "--model", model, "--layer", Integer.toString(layer), "--corpus", txt.toString(),
                    "--samples", "60", "--precision", "float64", "--out", single.toString());
            assertEquals(0, one.status(), one.err());
            assertArrayEquals(KeyStats.read(single).sum(), KeyStats.read(f).sum(), 0.0, "layer " + layer);
            assertFalse(Files.exists(Path.of(f + ".checkpoint")) || Files.exists(Path.of(single + ".checkpoint")), "checkpoints removed");
        }
        CliRun both = CliRun.of("stats", "--model", model, "--layer", "1", "--layers", "1,2", "--corpus", txt.toString(), "--out", "x.npz");
        assertEquals(2, both.status());
        assertTrue(both.err().contains("--out is one layer's file; several --layers go to the cache layout"), both.err());
    }
}
