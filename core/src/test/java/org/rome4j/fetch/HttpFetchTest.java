package org.rome4j.fetch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One file over HTTP against a loopback server that redirects, drops connections, ignores Range and lies. */
class HttpFetchTest {
    private static final byte[] BODY = new byte[300_000];

    static {
        new Random(7).nextBytes(BODY);
    }

    private static String sha(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static HttpFetch quiet() {
        return new HttpFetch(null).retries(0, 0);
    }

    @Test
    void followsARedirectAndRecordsTheChecksumOfWhatArrived(@TempDir Path tmp) throws Exception {
        try (LoopbackServer s = new LoopbackServer(r -> r.path().equals("/old") ? LoopbackServer.Response.redirect("/new/f.bin")
                : LoopbackServer.Response.ok(BODY))) {
            Path dest = tmp.resolve("f.bin");
            assertTrue(quiet().fetch(URI.create(s.url() + "/old"), dest, HttpFetch.Expect.UNKNOWN));
            assertArrayEquals(BODY, Files.readAllBytes(dest));
            assertEquals(List.of("/old", "/new/f.bin"), s.requests().stream().map(LoopbackServer.Request::path).toList());
            assertEquals(sha(BODY), HttpFetch.recordedSha256(dest).orElseThrow());
            assertFalse(Files.exists(HttpFetch.partFile(dest)));
            // complete already: no request at all
            assertFalse(quiet().fetch(URI.create(s.url() + "/old"), dest, HttpFetch.Expect.UNKNOWN));
            assertEquals(2, s.requests().size());
        }
    }

    @Test
    void aDroppedConnectionLeavesOnlyAPartFileAndTheNextRunResumesWithRange(@TempDir Path tmp) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (LoopbackServer s = new LoopbackServer(r -> calls.getAndIncrement() == 0
                ? LoopbackServer.Response.ok(BODY).dropAfter(123_456) : LoopbackServer.Response.ranged(BODY, r))) {
            Path dest = tmp.resolve("f.bin");
            URI url = URI.create(s.url() + "/f.bin");
            HttpFetch.Expect expect = new HttpFetch.Expect(BODY.length, sha(BODY));
            DownloadException e = assertThrows(DownloadException.class, () -> quiet().fetch(url, dest, expect));
            assertTrue(e.getMessage().contains("run the command again to resume") && e.getMessage().contains(url.toString()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            assertFalse(Files.exists(dest), "no final file after a dropped connection");
            long have = Files.size(HttpFetch.partFile(dest));
            assertTrue(have > 0 && have <= 123_456, "the part holds what arrived: " + have);

            assertTrue(quiet().fetch(url, dest, expect));
            assertArrayEquals(BODY, Files.readAllBytes(dest));
            assertEquals(have, s.requests().get(1).rangeStart(), "the second request resumes where the first stopped");
            assertFalse(Files.exists(HttpFetch.partFile(dest)));
            assertFalse(Files.exists(HttpFetch.shaFile(dest)), "no sidecar when the checksum was known and verified");
        }
    }

    @Test
    void retriesWithinOneCallResumeAutomatically(@TempDir Path tmp) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (LoopbackServer s = new LoopbackServer(r -> {
            int c = calls.getAndIncrement();
            LoopbackServer.Response full = LoopbackServer.Response.ranged(BODY, r);
            return c < 2 ? full.dropAfter(50_000) : full;
        })) {
            Path dest = tmp.resolve("f.bin");
            assertTrue(new HttpFetch(null).retries(3, 1).fetch(URI.create(s.url() + "/f"), dest, HttpFetch.Expect.UNKNOWN));
            assertArrayEquals(BODY, Files.readAllBytes(dest));
            List<Long> ranges = s.requests().stream().map(LoopbackServer.Request::rangeStart).toList();
            assertEquals(3, ranges.size());
            assertEquals(-1L, ranges.get(0));
            assertTrue(0 < ranges.get(1) && ranges.get(1) <= 50_000 && ranges.get(1) < ranges.get(2) && ranges.get(2) <= ranges.get(1) + 50_000,
                    "each retry resumes where the last stopped: " + ranges);
        }
    }

    @Test
    void aServerIgnoringRangeRestartsFromZero(@TempDir Path tmp) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (LoopbackServer s = new LoopbackServer(r -> calls.getAndIncrement() == 0
                ? LoopbackServer.Response.ok(BODY).dropAfter(100_000) : LoopbackServer.Response.ok(BODY))) {
            Path dest = tmp.resolve("f.bin");
            assertTrue(new HttpFetch(null).retries(1, 1).fetch(URI.create(s.url() + "/f"), dest, HttpFetch.Expect.UNKNOWN));
            assertTrue(s.requests().get(1).rangeStart() > 0, "it asked to resume");
            assertArrayEquals(BODY, Files.readAllBytes(dest), "the 200 answer replaced the partial bytes instead of being appended");
        }
    }

    @Test
    void aFileChangedOnTheServerSinceThePartBeganIsFetchedWholeNotSpliced(@TempDir Path tmp) throws Exception {
        byte[] v2 = BODY.clone();
        v2[0] ^= 1;
        v2[BODY.length - 1] ^= 1;
        AtomicInteger calls = new AtomicInteger();
        try (LoopbackServer s = new LoopbackServer(r -> {
            if (calls.getAndIncrement() == 0) {
                return new LoopbackServer.Response(200, java.util.Map.of("Content-Length", Long.toString(BODY.length), "ETag", "\"v1\""),
                        BODY, 100_000);
            }
            // version 2 ("v2") now: a well-behaved server honours Range only when If-Range names the current version
            boolean same = "\"v2\"".equals(r.headers().get("if-range"));
            return same ? LoopbackServer.Response.ranged(v2, r) : LoopbackServer.Response.ok(v2);
        })) {
            Path dest = tmp.resolve("f.bin");
            URI url = URI.create(s.url() + "/f.bin");
            assertThrows(DownloadException.class, () -> quiet().fetch(url, dest, HttpFetch.Expect.UNKNOWN));
            assertTrue(quiet().fetch(url, dest, HttpFetch.Expect.UNKNOWN));
            assertEquals("\"v1\"", s.requests().get(1).headers().get("if-range"), "the resume names the version it continues");
            assertArrayEquals(v2, Files.readAllBytes(dest), "whole new version, not v1's first bytes with v2's rest");
            assertFalse(Files.exists(dest.resolveSibling("f.bin.part.validator")));
        }
    }

    @Test
    void aWrongChecksumLeavesNoFileAndSaysSoInOneLine(@TempDir Path tmp) throws Exception {
        try (LoopbackServer s = new LoopbackServer(r -> LoopbackServer.Response.ok(BODY))) {
            Path dest = tmp.resolve("f.bin");
            String wrong = "0".repeat(64);
            DownloadException e = assertThrows(DownloadException.class,
                    () -> quiet().fetch(URI.create(s.url() + "/f.bin"), dest, new HttpFetch.Expect(BODY.length, wrong)));
            assertTrue(e.getMessage().startsWith("checksum mismatch for " + s.url() + "/f.bin: SHA-256 " + sha(BODY)), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            assertFalse(Files.exists(dest));
            assertFalse(Files.exists(HttpFetch.partFile(dest)), "the wrong bytes are not kept for a resume either");
        }
    }

    @Test
    void aWrongLengthIsRefusedBeforeAnythingIsSaved(@TempDir Path tmp) throws Exception {
        try (LoopbackServer s = new LoopbackServer(r -> LoopbackServer.Response.ok(BODY))) {
            Path dest = tmp.resolve("f.bin");
            DownloadException e = assertThrows(DownloadException.class,
                    () -> quiet().fetch(URI.create(s.url() + "/f.bin"), dest, new HttpFetch.Expect(BODY.length + 1, null)));
            assertTrue(e.getMessage().contains("is " + BODY.length + " bytes, but the published file is " + (BODY.length + 1)), e.getMessage());
            assertFalse(Files.exists(dest));
        }
    }

    @Test
    void notFoundNamesTheUrl(@TempDir Path tmp) throws Exception {
        try (LoopbackServer s = new LoopbackServer(r -> LoopbackServer.Response.notFound())) {
            Path dest = tmp.resolve("f.bin");
            DownloadException e = assertThrows(DownloadException.class,
                    () -> quiet().fetch(URI.create(s.url() + "/data/x.json"), dest, HttpFetch.Expect.UNKNOWN));
            assertEquals("not found (HTTP 404): " + s.url() + "/data/x.json; check the name and --endpoint", e.getMessage());
            assertFalse(Files.exists(dest));
            assertFalse(Files.exists(HttpFetch.partFile(dest)));
        }
    }

    @Test
    void progressShowsBytesRateAndTimeLeft() {
        assertEquals("f.bin: 25.0 / 100.0 MB (25%), 5.0 MB/s, 0:15 left", TransferMeter.line("f.bin", 25_000_000, 100_000_000, 25_000_000, 5.0));
        assertEquals("1:01:01", TransferMeter.clock(3661));
    }
}
