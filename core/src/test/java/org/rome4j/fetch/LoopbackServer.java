package org.rome4j.fetch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 for download tests, one request per connection, able to misbehave
 * as real servers do: close the connection mid-body, ignore {@code Range}, redirect, answer 404.
 */
public final class LoopbackServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** A request: method, path and headers (names in lower case). */
    public record Request(String method, String path, Map<String, String> headers) {
        /** The start of an open {@code Range: bytes=N-} request, or -1. */
        public long rangeStart() {
            Matcher m = RANGE.matcher(headers.getOrDefault("range", ""));
            return m.matches() ? Long.parseLong(m.group(1)) : -1;
        }
    }

    /**
     * An answer.
     *
     * @param dropAfter close the connection after this many body bytes (-1: send all)
     */
    public record Response(int status, Map<String, String> headers, byte[] body, long dropAfter) {
        /** 200 with the whole body. */
        public static Response ok(byte[] body) {
            return new Response(200, Map.of("Content-Length", Long.toString(body.length)), body, -1);
        }

        /** 206 from the request's range start when it has one, else 200: what a well-behaved static server does. */
        public static Response ranged(byte[] body, Request r) {
            long from = r.rangeStart();
            if (from < 0) return ok(body);
            if (from >= body.length) return new Response(416, Map.of("Content-Range", "bytes */" + body.length), new byte[0], -1);
            byte[] rest = java.util.Arrays.copyOfRange(body, (int) from, body.length);
            return new Response(206, Map.of("Content-Length", Long.toString(rest.length),
                    "Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length), rest, -1);
        }

        /** A 302 to {@code location}. */
        public static Response redirect(String location) {
            return new Response(302, Map.of("Location", location, "Content-Length", "0"), new byte[0], -1);
        }

        /** 404. */
        public static Response notFound() {
            return new Response(404, Map.of("Content-Length", "0"), new byte[0], -1);
        }

        /** This answer, but the connection closes after {@code n} body bytes. */
        public Response dropAfter(long n) {
            return new Response(status, headers, body, n);
        }
    }

    private final ServerSocket socket;
    private final Thread thread;
    private final List<Request> requests = new ArrayList<>();

    /** Starts serving with {@code handler}. */
    public LoopbackServer(Function<Request, Response> handler) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    serve(s, handler);
                } catch (IOException e) {
                    // closed by the test, or the client went away
                }
            }
        }, "loopback-http");
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** The requests so far, in order. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void serve(Socket s, Function<Request, Response> handler) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        String line = in.readLine();
        if (line == null) return;
        String[] parts = line.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
            int c = h.indexOf(':');
            if (c > 0) headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
        }
        Request r = new Request(parts[0], parts[1], headers);
        synchronized (this) {
            requests.add(r);
        }
        Response resp = handler.apply(r);
        OutputStream out = s.getOutputStream();
        StringBuilder head = new StringBuilder("HTTP/1.1 " + resp.status() + " X\r\nConnection: close\r\n");
        resp.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        int n = resp.dropAfter() < 0 ? resp.body().length : (int) Math.min(resp.dropAfter(), resp.body().length);
        out.write(resp.body(), 0, n);
        out.flush();
        if (resp.dropAfter() >= 0) {
            // let the client read what was sent before the connection goes (a close right away can lose it in flight)
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
