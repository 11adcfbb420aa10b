package org.rome4j.io;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A download that cannot connect is told in words, never by the JDK's exception class or as an internal error. */
class ProblemsNetworkTest {

    @Test
    void aRefusedConnectionIsSaidInWords() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();     // closed again: nothing listens there
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build();
        Exception e = assertThrows(Exception.class, () -> HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.discarding()));
        String m = Problems.oneLine(e);
        assertTrue(m.startsWith("cannot connect to the server"), m);
        assertTrue(!m.contains("Exception") && !m.contains("internal error"), m);
        assertTrue(Problems.oneLine(new java.net.UnknownHostException("no.such.host")).contains("unknown host no.such.host"));
    }
}
