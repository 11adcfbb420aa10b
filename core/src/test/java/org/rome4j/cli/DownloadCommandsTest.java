package org.rome4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.data.FactData;
import org.rome4j.fetch.HttpFetch;
import org.rome4j.fetch.LoopbackServer;
import org.rome4j.fetch.PaperData;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.rome.KeyStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** download-data and download-stats end to end against a loopback server, and an edit that uses what they fetched. */
class DownloadCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void downloadDataVerifiesKnown1000AgainstTheRecordedChecksum(@TempDir Path tmp) throws Exception {
        byte[] genuine = Files.readAllBytes(Shared.known1000());
        byte[] counterfact = Files.readAllBytes(Shared.root().resolve("data/rome/counterfact.case0.json"));
        Map<String, byte[]> files = Map.of("/data/dsets/known_1000.json", genuine, "/data/dsets/counterfact.json", counterfact);
        try (LoopbackServer s = new LoopbackServer(r -> files.containsKey(r.path())
                ? LoopbackServer.Response.ranged(files.get(r.path()), r) : LoopbackServer.Response.notFound())) {
            CliRun run = CliRun.of("download-data", "known_1000", "counterfact", "--dir", tmp.toString(), "--endpoint", s.url(), "--json");
            assertEquals(0, run.status(), run.err());
            Path known = tmp.resolve("dsets/known_1000.json");
            assertArrayEquals(genuine, Files.readAllBytes(known));
            assertTrue(run.err().contains("(SHA-256 verified)"), run.err());
            assertFalse(Files.exists(HttpFetch.shaFile(known)), "known_1000's checksum is published in the code, no sidecar");
            Path cf = tmp.resolve("dsets/counterfact.json");
            assertArrayEquals(counterfact, Files.readAllBytes(cf));
            assertTrue(run.err().contains("SHA-256 recorded in counterfact.json.sha256"), run.err());
            assertEquals(Path.of(JSON.readTree(run.out()).get("files").get(1).asText()), cf);
            assertEquals(cf, PaperData.find(PaperData.File.COUNTERFACT, tmp).orElseThrow());
            // and eval reads it as CounterFact
            assertEquals(1, org.rome4j.eval.CounterFactRecord.read(cf).size());
        }
    }

    @Test
    void aTamperedKnown1000IsRefusedAndNothingIsSaved(@TempDir Path tmp) throws Exception {
        byte[] bad = Files.readAllBytes(Shared.known1000());
        bad[1000] ^= 1;     // same size, one bit different
        try (LoopbackServer s = new LoopbackServer(r -> LoopbackServer.Response.ranged(bad, r))) {
            CliRun run = CliRun.of("download-data", "known_1000", "--dir", tmp.toString(), "--endpoint", s.url());
            assertEquals(2, run.status());
            String last = run.err().strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("rome4j download-data: checksum mismatch for " + s.url() + "/data/dsets/known_1000.json"), run.err());
            assertFalse(Files.exists(tmp.resolve("dsets/known_1000.json")));
            assertFalse(Files.exists(tmp.resolve("dsets/known_1000.json.part")));
        }
    }

    @Test
    void unknownNamesAndMissingFilesAreOneLine(@TempDir Path tmp) throws Exception {
        CliRun run = CliRun.of("download-data", "wikitext", "--dir", tmp.toString());
        assertEquals(2, run.status());
        assertEquals("rome4j download-data: unknown data set wikitext: choose one of " + PaperData.File.keys(), run.err().strip());
        try (LoopbackServer s = new LoopbackServer(r -> LoopbackServer.Response.notFound())) {
            CliRun nf = CliRun.of("download-stats", "gpt2-xl", "--layers", "17", "--dir", tmp.toString(), "--endpoint", s.url());
            assertEquals(2, nf.status());
            String url = s.url() + "/data/stats/gpt2-xl/wikipedia_stats/transformer.h.17.mlp.c_proj_float32_mom2_100000.npz";
            assertTrue(nf.err().strip().endsWith("rome4j download-stats: not found (HTTP 404): " + url + "; check the name and --endpoint"), nf.err());
            CliRun gptj = CliRun.of("download-stats", "EleutherAI/gpt-j-6B", "--layers", "5", "--dir", tmp.toString(), "--endpoint", s.url());
            assertTrue(gptj.err().contains(s.url() + "/data/stats/EleutherAI_gpt-j-6B/wikipedia_stats/transformer.h.5.mlp.fc_out_float32_mom2_100000.npz"),
                    gptj.err());
        }
    }

    @Test
    void downloadStatsThenEditUsesTheDownloadedStatistics(@TempDir Path tmp) throws Exception {
        // statistics the server publishes: tiny-facts' layer 0 over 300 of its sentences (not what edit would compute itself)
        Path published = tmp.resolve("published.npz");
        try (Gpt gpt = Models.load("tiny-facts")) {
            KeyStats.collector(gpt, 0).optSamples(300).collect(FactData.loadBundled().corpus().iterator()).write(published);
        }
        byte[] npz = Files.readAllBytes(published);
        String remote = "/data/stats/tiny-facts/wikipedia_stats/transformer.h.0.mlp.c_proj_float32_mom2_1000.npz";
        Path cache = tmp.resolve("stats");
        try (LoopbackServer s = new LoopbackServer(r -> r.path().equals(remote)
                ? LoopbackServer.Response.ranged(npz, r) : LoopbackServer.Response.notFound())) {
            CliRun dl = CliRun.of("download-stats", "tiny-facts", "--layers", "0", "--dir", cache.toString(), "--endpoint", s.url());
            assertEquals(0, dl.status(), dl.err());
            assertTrue(dl.err().contains("matches the model"), dl.err());
        }
        Path stored = KeyStats.cachePath(cache, "tiny-facts", "wikipedia", "transformer.h.0.mlp.c_proj", "float32", 1000);
        assertArrayEquals(npz, Files.readAllBytes(stored));

        String[] edit = {"edit", "--prompt", "{} plays the sport of", "--subject", "Megan Rapinoe", "--target", "basketball", "--json"};
        CliRun cached = CliRun.of(concat(edit, "--stats-dir", cache.toString()));
        assertEquals(0, cached.status(), cached.err());
        assertFalse(cached.err().contains("computing key statistics"), "edit found the downloaded file: " + cached.err());
        CliRun explicit = CliRun.of(concat(edit, "--stats", published.toString()));
        assertEquals(0, explicit.status(), explicit.err());
        JsonNode a = JSON.readTree(cached.out());
        JsonNode b = JSON.readTree(explicit.out());
        assertEquals(b.get("delta_norm").asDouble(), a.get("delta_norm").asDouble(), 0.0);
        assertEquals(b.get("post"), a.get("post"));
        CliRun own = CliRun.of(concat(edit, "--stats-dir", tmp.resolve("empty").toString()));
        assertTrue(own.err().contains("computing key statistics"), own.err());
        assertTrue(Math.abs(JSON.readTree(own.out()).get("delta_norm").asDouble() - a.get("delta_norm").asDouble()) > 1e-6,
                "the published statistics differ from the model's own, so the match above is not a coincidence");
    }

    @Test
    void statisticsOfTheWrongWidthAreDeleted(@TempDir Path tmp) throws Exception {
        Path wrong = tmp.resolve("wrong.npz");
        KeyStats.ofMoment(new double[] {1, 0, 0, 1}, 2, 10, "float32").write(wrong);
        byte[] npz = Files.readAllBytes(wrong);
        Path cache = tmp.resolve("stats");
        try (LoopbackServer s = new LoopbackServer(r -> LoopbackServer.Response.ranged(npz, r))) {
            CliRun dl = CliRun.of("download-stats", "tiny-facts", "--layers", "0", "--dir", cache.toString(), "--endpoint", s.url());
            assertEquals(2, dl.status());
            assertTrue(dl.err().strip().endsWith("holds statistics of width 2 but the model's MLP width is 512; it was deleted: "
                    + "check the model name and --endpoint"), dl.err());
        }
        Path stored = KeyStats.cachePath(cache, "tiny-facts", "wikipedia", "transformer.h.0.mlp.c_proj", "float32", 1000);
        assertFalse(Files.exists(stored));
        assertFalse(Files.exists(HttpFetch.shaFile(stored)));
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
