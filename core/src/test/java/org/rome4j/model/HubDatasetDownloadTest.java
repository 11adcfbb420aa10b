package org.rome4j.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.fetch.LoopbackServer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dataset repository (e.g. the Wikipedia Parquet dumps) into the HF cache's datasets-- layout. */
class HubDatasetDownloadTest {
    private static final String LISTING = "{\"id\":\"org/wiki\",\"sha\":\"0123abcd\",\"siblings\":["
            + "{\"rfilename\":\"README.md\"},{\"rfilename\":\"20231101.en/train-00000-of-00002.parquet\"},"
            + "{\"rfilename\":\"20231101.en/train-00001-of-00002.parquet\"},{\"rfilename\":\"20231101.fr/train-00000-of-00001.parquet\"}]}";

    @Test
    void fetchesTheMatchingFilesIntoTheDatasetsLayoutResumingADroppedOne(@TempDir Path tmp) throws Exception {
        byte[] a = "PAR1 first shard".repeat(5000).getBytes(StandardCharsets.UTF_8);
        byte[] b = "PAR1 second shard".repeat(5000).getBytes(StandardCharsets.UTF_8);
        String base = "/datasets/org/wiki/resolve/0123abcd/20231101.en/";
        Map<String, byte[]> files = Map.of(base + "train-00000-of-00002.parquet", a, base + "train-00001-of-00002.parquet", b);
        AtomicInteger shardCalls = new AtomicInteger();
        try (LoopbackServer s = new LoopbackServer(r -> {
            if (r.path().equals("/api/datasets/org/wiki/revision/main")) {
                return LoopbackServer.Response.ok(LISTING.getBytes(StandardCharsets.UTF_8));
            }
            byte[] body = files.get(r.path());
            if (body == null) return LoopbackServer.Response.notFound();
            LoopbackServer.Response resp = LoopbackServer.Response.ranged(body, r);
            return body == b && shardCalls.getAndIncrement() == 0 ? resp.dropAfter(10_000) : resp;
        })) {
            HubDownloader d = new HubDownloader(s.url(), tmp);
            Path snap = d.downloadDataset("org/wiki", "main", "20231101.en/*.parquet", null);
            assertEquals(tmp.resolve("datasets--org--wiki/snapshots/0123abcd"), snap);
            assertEquals("0123abcd", Files.readString(tmp.resolve("datasets--org--wiki/refs/main")));
            assertArrayEquals(a, Files.readAllBytes(snap.resolve("20231101.en/train-00000-of-00002.parquet")));
            assertArrayEquals(b, Files.readAllBytes(snap.resolve("20231101.en/train-00001-of-00002.parquet")));
            assertFalse(Files.exists(snap.resolve("README.md")));
            assertFalse(Files.exists(snap.resolve("20231101.fr")));
            List<Long> ranges = s.requests().stream().filter(r -> r.path().endsWith("00001-of-00002.parquet"))
                    .map(LoopbackServer.Request::rangeStart).toList();
            assertEquals(2, ranges.size());
            assertEquals(-1L, ranges.get(0));
            assertTrue(ranges.get(1) > 0 && ranges.get(1) <= 10_000, "the dropped shard was resumed, not restarted: " + ranges);

            ModelLoadException none = assertThrows(ModelLoadException.class, () -> d.downloadDataset("org/wiki", "main", "*.csv", null));
            assertTrue(none.getMessage().startsWith("no file of dataset org/wiki matches \"*.csv\""), none.getMessage());
            ModelLoadException missing = assertThrows(ModelLoadException.class, () -> d.downloadDataset("org/other", "main", "*", null));
            assertTrue(missing.getMessage().contains("dataset org/other not found"), missing.getMessage());
        }
    }
}
