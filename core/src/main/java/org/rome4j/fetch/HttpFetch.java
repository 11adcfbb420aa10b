package org.rome4j.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one file so that a later command never mistakes a partial one for complete: bytes go to
 * {@code NAME.part}, a dropped connection is resumed with an HTTP {@code Range} request (from 0 when
 * the server ignores it), the result is checked against the size and SHA-256 it must have, and only
 * then moved to {@code NAME} in one step. A wrong file is deleted and reported in one line.
 *
 * <p>When no checksum is known in advance (see {@link Expect}) the size the server announces is checked
 * and the SHA-256 of what arrived is written beside the file ({@code NAME.sha256}, {@code sha256sum} format),
 * so it can be compared with another copy; that check is weaker, and callers say so.
 *
 * <pre>{@code
 * Path f = new HttpFetch(System.err).fetch(URI.create("https://rome.baulab.info/data/dsets/known_1000.json"),
 *         dir.resolve("known_1000.json"), new HttpFetch.Expect(343229, "61dac..."));
 * }</pre>
 */
public final class HttpFetch {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    /**
     * What the finished file must be.
     *
     * @param size   its length in bytes, or -1 when unknown (then the server's length is checked)
     * @param sha256 its SHA-256 in hex, or null when unknown (then it is recorded in {@code NAME.sha256})
     */
    public record Expect(long size, String sha256) {
        /** Nothing known in advance. */
        public static final Expect UNKNOWN = new Expect(-1, null);
    }

    private final HttpClient http;
    private final PrintStream log;
    private int retries = 3;
    private long retryPauseMillis = 1000;
    private long reportEveryNanos = 2_000_000_000L;
    private Map<String, String> headers = Map.of();

    /** A fetcher following redirects that reports progress to {@code log} (null: silent). */
    public HttpFetch(PrintStream log) {
        this.log = log;
        // HTTP/1.1: no h2c upgrade attempt, which some plain static servers mishandle
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** How often a dropped connection is resumed in one call before giving up (default 3), and the pause between. */
    public HttpFetch retries(int n, long pauseMillis) {
        this.retries = n;
        this.retryPauseMillis = pauseMillis;
        return this;
    }

    /** Progress every {@code millis} (default 2000). */
    public HttpFetch reportEvery(long millis) {
        this.reportEveryNanos = millis * 1_000_000L;
        return this;
    }

    /** Extra request headers (e.g. an Authorization header for the HF hub). */
    public HttpFetch headers(Map<String, String> h) {
        this.headers = Map.copyOf(h);
        return this;
    }

    /** The partial file for {@code dest}. */
    public static Path partFile(Path dest) {
        return dest.resolveSibling(dest.getFileName() + ".part");
    }

    /** The sidecar holding the SHA-256 recorded for a file downloaded without a known checksum. */
    public static Path shaFile(Path dest) {
        return dest.resolveSibling(dest.getFileName() + ".sha256");
    }

    /**
     * Fetches {@code url} into {@code dest} unless a complete {@code dest} is already there.
     *
     * @return true when bytes were downloaded, false when {@code dest} was already complete
     * @throws DownloadException on HTTP errors, a wrong size or checksum, or a connection lost {@code retries} times
     */
    public boolean fetch(URI url, Path dest, Expect expect) throws IOException, InterruptedException {
        if (Files.isRegularFile(dest)) {
            if (expect.sha256() != null && !expect.sha256().equalsIgnoreCase(sha256(dest))) {
                throw new DownloadException(dest + " exists but is not the published file (SHA-256 differs): delete it and download again");
            }
            return false;
        }
        Files.createDirectories(dest.toAbsolutePath().getParent());
        Path part = partFile(dest);
        long total = -1;
        for (int attempt = 0; ; attempt++) {
            try {
                total = transfer(url, part, expect, dest.getFileName().toString());
                break;
            } catch (Dropped e) {
                long have = Files.isRegularFile(part) ? Files.size(part) : 0;
                if (attempt >= retries) {
                    throw new DownloadException("connection to " + url.getHost() + " lost at " + have + " of "
                            + (e.total > 0 ? e.total + " bytes" : "? bytes") + " of " + url + " (" + e.getMessage()
                            + "); run the command again to resume from " + part.getFileName());
                }
                if (log != null) log.println("  connection lost at " + have + " bytes (" + e.getMessage() + "); resuming");
                Thread.sleep(retryPauseMillis * (attempt + 1));
            }
        }
        verify(url, part, expect, total);
        String sha = sha256(part);
        if (expect.sha256() != null && !expect.sha256().equalsIgnoreCase(sha)) {
            Files.deleteIfExists(part);
            Files.deleteIfExists(part.resolveSibling(part.getFileName() + ".validator"));
            throw new DownloadException("checksum mismatch for " + url + ": SHA-256 " + sha + ", expected " + expect.sha256()
                    + "; the download was deleted: check --endpoint, or report a changed file");
        }
        move(part, dest);
        Files.deleteIfExists(part.resolveSibling(part.getFileName() + ".validator"));
        if (expect.sha256() == null) {
            Files.writeString(shaFile(dest), sha + "  " + dest.getFileName() + "\n");
        }
        return true;
    }

    /** One request: appends to {@code part} from where it ends. Returns the full length the server announced (-1: none). */
    private long transfer(URI url, Path part, Expect expect, String name) throws IOException, InterruptedException {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (expect.size() >= 0 && have > expect.size()) {
            Files.delete(part);
            have = 0;
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(url).GET();
        headers.forEach(req::header);
        Path validator = part.resolveSibling(part.getFileName() + ".validator");
        if (have > 0) {
            req.header("Range", "bytes=" + have + "-");
            // If-Range: a file changed on the server since the part began comes back whole (200), not spliced
            if (Files.isRegularFile(validator)) req.header("If-Range", Files.readString(validator).trim());
        }
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new DownloadException("cannot reach " + url.getScheme() + "://" + url.getAuthority() + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "): check the network, or pass --endpoint for a mirror");
        }
        int status = resp.statusCode();
        long total;
        boolean append;
        if (status == 416 && have > 0) {
            // the part is already as long as (or longer than) the file: start over rather than guess
            resp.body().close();
            Files.delete(part);
            return transfer(url, part, expect, name);
        } else if (status == 206 && have > 0) {
            Matcher m = CONTENT_RANGE.matcher(resp.headers().firstValue("Content-Range").orElse(""));
            if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                resp.body().close();
                throw new DownloadException(url + " answered the resume request with the wrong range ("
                        + resp.headers().firstValue("Content-Range").orElse("none") + "); delete " + part + " and retry");
            }
            total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
            append = true;
        } else if (status == 200) {
            if (have > 0 && log != null) log.println("  " + url.getHost() + " does not resume downloads (no Range support): starting over");
            total = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            append = false;
            have = 0;
            Optional<String> v = resp.headers().firstValue("ETag").or(() -> resp.headers().firstValue("Last-Modified"));
            if (v.isPresent() && !v.get().startsWith("W/")) Files.writeString(validator, v.get());
            else Files.deleteIfExists(validator);
        } else {
            resp.body().close();
            throw new DownloadException(status == 404 ? "not found (HTTP 404): " + url + "; check the name and --endpoint"
                    : status == 401 || status == 403 ? "access denied (HTTP " + status + "): " + url
                    : "HTTP " + status + " from " + url + "; try again later or pass --endpoint", status);
        }
        if (expect.size() >= 0 && total >= 0 && total != expect.size()) {
            resp.body().close();
            throw new DownloadException(url + " is " + total + " bytes, but the published file is " + expect.size()
                    + "; nothing was saved: check --endpoint");
        }
        TransferMeter meter = new TransferMeter(log, name, have, reportEveryNanos);
        long done = have;
        try (InputStream in = resp.body();
             OutputStream out = append ? Files.newOutputStream(part, StandardOpenOption.APPEND)
                     : Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                done += n;
                meter.update(done, total, false);
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException("download cancelled");
            }
        } catch (IOException e) {
            throw new Dropped(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), total);
        }
        meter.update(done, total, true);
        if (total >= 0 && done < total) throw new Dropped("the server sent " + done + " of " + total + " bytes", total);
        return total;
    }

    /** Size checks of the finished part: the server's length, then the expected one; a wrong part is deleted. */
    private static void verify(URI url, Path part, Expect expect, long total) throws IOException {
        long size = Files.size(part);
        if (total >= 0 && size != total) {
            Files.delete(part);
            throw new DownloadException(url + ": received " + size + " bytes, the server announced " + total
                    + "; the download was deleted: run the command again");
        }
        if (expect.size() >= 0 && size != expect.size()) {
            Files.delete(part);
            throw new DownloadException(url + ": received " + size + " bytes, the published file is " + expect.size()
                    + "; the download was deleted: check --endpoint");
        }
        if (total < 0 && expect.sha256() == null) {
            Files.delete(part);
            throw new DownloadException(url + ": the server sent no length and no checksum is known, so a truncated file "
                    + "could not be told from a complete one; nothing was saved: use another --endpoint");
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The SHA-256 of a file, in hex. */
    public static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 recorded beside a file by an earlier download, if any. */
    public static Optional<String> recordedSha256(Path dest) throws IOException {
        Path s = shaFile(dest);
        return Files.isRegularFile(s) ? Optional.of(Files.readString(s).trim().split("\\s+")[0]) : Optional.empty();
    }

    /** The body stopped early; what arrived stays in the part file for the next request. */
    private static final class Dropped extends IOException {
        final long total;

        Dropped(String message, long total) {
            super(message);
            this.total = total;
        }
    }
}
