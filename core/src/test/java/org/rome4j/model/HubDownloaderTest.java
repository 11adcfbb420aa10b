package org.rome4j.model;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub downloader against a local server that speaks the hub's resolve URLs. */
class HubDownloaderTest {

    @Test
    void downloadsIntoTheHfCacheLayoutAndNeverFetchesPickles(@TempDir Path tmp) throws Exception {
        Path src = Shared.tinyGpt2();
        List<String> requested = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            requested.add(p);
            String prefix = "/org/tiny/resolve/main/";
            Path f = p.startsWith(prefix) ? src.resolve(p.substring(prefix.length())) : null;
            if (f == null || !Files.isRegularFile(f)) {
                ex.sendResponseHeaders(404, -1);
            } else {
                byte[] body = Files.readAllBytes(f);
                ex.getResponseHeaders().add("X-Repo-Commit", "abc123");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        try {
            HubDownloader d = new HubDownloader("http://127.0.0.1:" + server.getAddress().getPort(), tmp);
            Path snap = d.download("org/tiny", "main", (f, n) -> { });
            assertEquals(tmp.resolve("models--org--tiny/snapshots/abc123"), snap);
            assertEquals("abc123", Files.readString(tmp.resolve("models--org--tiny/refs/main")));
            assertArrayEquals(Files.readAllBytes(src.resolve("model.safetensors")), Files.readAllBytes(snap.resolve("model.safetensors")));
            assertFalse(requested.stream().anyMatch(r -> r.endsWith(".bin")), "no pickle requested: " + requested);
            try (Gpt gpt = Gpt.load(snap)) {
                assertEquals(4, gpt.nLayer());
            }
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> d.download("org/other", "main", (f, n) -> { }));
            assertTrue(e.getMessage().contains("not found"), e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    /** A hostile server: X-Repo-Commit or a shard name that climbs out of the cache is refused and nothing is written outside. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"commit:../../../../outside", "commit:abc/../../x", "commit:",
            "shard:../../outside.safetensors", "shard:/tmp/abs.safetensors", "shard:a/../../b.safetensors"})
    void refusesNamesFromTheServerThatLeaveTheCache(String attack, @TempDir Path tmp) throws Exception {
        Path src = Shared.tinyGpt2();
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        String kind = attack.substring(0, attack.indexOf(':'));
        String value = attack.substring(attack.indexOf(':') + 1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            String file = p.substring(p.lastIndexOf("/resolve/main/") + "/resolve/main/".length());
            byte[] body;
            if (kind.equals("shard") && file.equals("model.safetensors.index.json")) {
                body = ("{\"weight_map\": {\"w\": \"" + value + "\"}}").getBytes();
            } else if (kind.equals("shard") && file.equals("model.safetensors")) {
                body = null;
            } else {
                Path f = src.resolve(file);
                body = Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
            }
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.getResponseHeaders().add("X-Repo-Commit", kind.equals("commit") ? value : "abc1234");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        try {
            HubDownloader d = new HubDownloader("http://127.0.0.1:" + server.getAddress().getPort(), cache);
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> d.download("org/tiny", "main", (f, n) -> { }));
            assertTrue(e.getMessage().contains("unsafe name") || e.getMessage().contains("invalid commit"), e.getMessage());
            try (var all = Files.walk(tmp)) {
                List<Path> outside = all.filter(Files::isRegularFile).filter(f -> !f.startsWith(cache)).toList();
                assertEquals(List.of(), outside);
            }
            assertFalse(Files.exists(cache.resolve("models--org--tiny/refs/main")), "refs/main must not point at a refused revision");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDroppedConnectionDuringTheWeightsIsResumedWithRange(@TempDir Path tmp) throws Exception {
        Path src = Shared.tinyGpt2();
        java.util.concurrent.atomic.AtomicInteger weightCalls = new java.util.concurrent.atomic.AtomicInteger();
        String prefix = "/org/tiny/resolve/main/";
        try (org.rome4j.fetch.LoopbackServer s = new org.rome4j.fetch.LoopbackServer(r -> {
            Path f = r.path().startsWith(prefix) ? src.resolve(r.path().substring(prefix.length())) : null;
            if (f == null || !Files.isRegularFile(f)) return org.rome4j.fetch.LoopbackServer.Response.notFound();
            byte[] body;
            try {
                body = Files.readAllBytes(f);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (f.getFileName().toString().equals("model.safetensors")) {
                var resp = org.rome4j.fetch.LoopbackServer.Response.ranged(body, r);
                return weightCalls.getAndIncrement() == 0 ? resp.dropAfter(4_000_000) : resp;
            }
            return new org.rome4j.fetch.LoopbackServer.Response(200, java.util.Map.of("Content-Length", Long.toString(body.length),
                    "X-Repo-Commit", "abc123"), body, -1);
        })) {
            Path snap = new HubDownloader(s.url(), tmp).download("org/tiny", "main", (f, n) -> { });
            assertArrayEquals(Files.readAllBytes(src.resolve("model.safetensors")), Files.readAllBytes(snap.resolve("model.safetensors")));
            List<Long> ranges = s.requests().stream().filter(r -> r.path().endsWith("/model.safetensors"))
                    .map(org.rome4j.fetch.LoopbackServer.Request::rangeStart).toList();
            assertEquals(2, ranges.size());
            assertTrue(ranges.get(1) > 0, "resumed, not restarted: " + ranges);
            try (var all = Files.list(snap)) {
                assertFalse(all.anyMatch(p -> p.toString().endsWith(".sha256") || p.toString().endsWith(".part")));
            }
        }
    }

    @Test
    void refusesRepoIdsAndRevisionsThatAreNotNames(@TempDir Path tmp) {
        HubDownloader d = new HubDownloader("http://127.0.0.1:9", tmp);
        assertThrows(ModelLoadException.class, () -> d.download("../../etc", "main", (f, n) -> { }));
        assertThrows(ModelLoadException.class, () -> d.download("org/tiny", "../../x", (f, n) -> { }));
    }
}
