package org.rome4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.data.FactData;
import org.rome4j.eval.Known1000Benchmark;
import org.rome4j.fetch.LoopbackServer;
import org.rome4j.fetch.PaperData;
import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.rome.KeyStats;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/reproducing-the-paper.md, command by command, against a loopback server standing in for
 * rome.baulab.info: download-data, download-stats, then eval with the downloaded files. tiny-facts stands in
 * for GPT-2 XL (the model download itself is HubDownloaderTest's); the files are small ones in the
 * original's formats.
 */
class ReproducePaperTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theReadmeCommandsRunEndToEnd(@TempDir Path tmp) throws Exception {
        Map<String, byte[]> site = new HashMap<>();
        // one CounterFact record (the shipped tiny-facts benchmark's first, with the Wikidata id the snippets are keyed by)
        ObjectNode rec;
        try (InputStream in = ReproducePaperTest.class.getResourceAsStream(Known1000Benchmark.RESOURCE)) {
            rec = (ObjectNode) JSON.readTree(in).get(0);
        }
        ((ObjectNode) rec.with("requested_rewrite").get("target_new")).put("id", "Q46");
        String relation = rec.get("requested_rewrite").get("relation_id").asText();
        site.put("/data/dsets/counterfact.json", JSON.writeValueAsBytes(JSON.createArrayNode().add(rec)));
        ArrayNode snippets = JSON.createArrayNode();
        ObjectNode s = snippets.addObject().put("relation_id", relation).put("target_id", "Q46");
        s.putArray("samples").addObject().put("name", "Mont Blanc").put("text", "Mont Blanc is located in the continent of Europe");
        site.put("/data/dsets/attribute_snippets.json", JSON.writeValueAsBytes(snippets));
        site.put("/data/dsets/tfidf_vocab.json", JSON.writeValueAsBytes(Map.of("europe", 0, "continent", 1, "located", 2, "mont", 3)));
        site.put("/data/dsets/idf.npy", Npy.encodeDouble(new long[] {4}, new double[] {2.5, 1.2, 1.1, 3.0}));
        Path published = tmp.resolve("published.npz");
        try (Gpt gpt = Models.load("tiny-facts")) {
            KeyStats.collector(gpt, 0).optSamples(300).collect(FactData.loadBundled().corpus().iterator()).write(published);
        }
        site.put("/data/stats/tiny-facts/wikipedia_stats/transformer.h.0.mlp.c_proj_float32_mom2_1000.npz", Files.readAllBytes(published));

        Path data = tmp.resolve("data");
        Path stats = tmp.resolve("stats");
        try (LoopbackServer server = new LoopbackServer(r -> site.containsKey(r.path())
                ? LoopbackServer.Response.ranged(site.get(r.path()), r) : LoopbackServer.Response.notFound())) {
            CliRun d = CliRun.of("download-data", "counterfact", "attribute_snippets", "idf", "tfidf_vocab",
                    "--dir", data.toString(), "--endpoint", server.url());
            assertEquals(0, d.status(), d.err());
            CliRun st = CliRun.of("download-stats", "tiny-facts", "--layers", "0", "--dir", stats.toString(), "--endpoint", server.url());
            assertEquals(0, st.status(), st.err());
        }
        Path dsets = data.resolve("dsets");
        PaperData.Reference ref = PaperData.findReference(data).orElseThrow();
        assertEquals(dsets.resolve("attribute_snippets.json"), ref.snippets());
        assertEquals(dsets.resolve("idf.npy"), ref.idf());
        assertTrue(PaperData.findReference(tmp.resolve("nowhere")).isEmpty());
        CliRun ev = CliRun.of("eval", "--model", "tiny-facts", "--dataset", dsets.resolve("counterfact.json").toString(),
                "--snippets", dsets.resolve("attribute_snippets.json").toString(), "--tfidf-vocab", dsets.resolve("tfidf_vocab.json").toString(),
                "--idf", dsets.resolve("idf.npy").toString(), "--stats-dir", stats.toString(), "--gen-tokens", "8",
                "--out", tmp.resolve("results").toString(), "--json");
        assertEquals(0, ev.status(), ev.err());
        assertTrue(!ev.err().contains("computing key statistics"), "eval used the downloaded statistics: " + ev.err());
        JsonNode post = JSON.readTree(ev.out()).get("post");
        assertEquals(1, JSON.readTree(ev.out()).get("cases").asInt());
        double rs = post.get("RS").asDouble();
        assertTrue(rs >= 0 && rs <= 1, "the reference score was computed from the downloaded snippets and TF-IDF: " + post);
        assertTrue(post.get("ES").asDouble() >= 0, post.toString());
        // the short form: --dataset counterfact and the consistency files found in the data folder
        CliRun byName = CliRun.of("eval", "--model", "tiny-facts", "--dataset", "counterfact", "--data-dir", data.toString(),
                "--stats-dir", stats.toString(), "--gen-tokens", "8", "--out", tmp.resolve("results2").toString(), "--json");
        assertEquals(0, byName.status(), byName.err());
        assertEquals(post, JSON.readTree(byName.out()).get("post"), "same record, same files, same metrics");
        CliRun missing = CliRun.of("eval", "--model", "tiny-facts", "--dataset", "zsre", "--data-dir", data.toString(),
                "--out", tmp.resolve("results3").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().strip().endsWith("download it with rome4j download-data zsre --dir " + data), missing.err());
    }
}
