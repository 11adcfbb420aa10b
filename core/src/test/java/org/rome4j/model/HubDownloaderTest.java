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
}
