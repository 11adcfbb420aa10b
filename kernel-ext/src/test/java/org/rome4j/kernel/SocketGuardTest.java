package org.rome4j.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Badly signed or malformed messages on the shell and control sockets are dropped; the kernel keeps answering. */
class SocketGuardTest {
    private static final String KEY = "secret-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RomeKernel kernel;
    private static JupyterConnection conn;
    private static ZContext zmq;
    private static int shellPort;
    private static int controlPort;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        shellPort = freePort();
        controlPort = freePort();
        String c = String.format(Locale.ROOT, """
                {"transport": "tcp", "ip": "127.0.0.1", "control_port": %d, "shell_port": %d, "stdin_port": %d,
                 "hb_port": %d, "iopub_port": %d, "key": "%s", "signature_scheme": "hmac-sha256"}""",
                controlPort, shellPort, freePort(), freePort(), freePort(), KEY);
        kernel = RomeKernel.create();
        conn = Launcher.connect(kernel, KernelConnectionProperties.parse(c), new PrintStream(LOG, true));
        zmq = new ZContext();
    }

    @AfterAll
    static void stop() {
        if (zmq != null) zmq.close();
        if (conn != null) conn.close();
    }

    @Test
    void shellSocketSurvivesBadSignaturesAndStillExecutes() throws Exception {
        try (ZMQ.Socket shell = dealer(shellPort)) {
            sendBad(shell);
            send(shell, "execute_request", "{\"code\": \"1 + 1\", \"silent\": false, \"store_history\": true, "
                    + "\"user_expressions\": {}, \"allow_stdin\": false, \"stop_on_error\": true}", KEY);
            JsonNode[] reply = receive(shell);
            assertEquals("execute_reply", reply[0].path("msg_type").asText());
            assertEquals("ok", reply[1].path("status").asText(), reply[1].toString());
        }
        assertEquals(1, LOG.toString().lines().filter(l -> l.contains("invalid signature on the shell socket")).count(), LOG.toString());
    }

    @Test
    void controlSocketSurvivesBadSignaturesAndStillAnswers() throws Exception {
        try (ZMQ.Socket control = dealer(controlPort)) {
            sendBad(control);
            send(control, "kernel_info_request", "{}", KEY);
            JsonNode[] reply = receive(control);
            assertEquals("kernel_info_reply", reply[0].path("msg_type").asText());
            assertEquals("java", reply[1].path("language_info").path("name").asText());
        }
        assertEquals(1, LOG.toString().lines().filter(l -> l.contains("invalid signature on the control socket")).count(), LOG.toString());
    }

    /** A wrong signature, an empty one, one signed with another key, and a correctly signed unparseable header. */
    private static void sendBad(ZMQ.Socket s) throws Exception {
        sendRaw(s, "deadbeef", header("execute_request"), "{}");
        sendRaw(s, "", header("execute_request"), "{}");
        send(s, "kernel_info_request", "{}", "other-key");
        sendRaw(s, sign(KEY, "{not json", "{}", "{}", "{}"), "{not json", "{}");
    }

    private ZMQ.Socket dealer(int port) {
        ZMQ.Socket s = zmq.createSocket(SocketType.DEALER);
        s.setReceiveTimeOut(60_000);
        s.connect("tcp://127.0.0.1:" + port);
        return s;
    }

    private static String header(String type) {
        return "{\"msg_id\": \"" + UUID.randomUUID() + "\", \"username\": \"test\", \"session\": \"s\", "
                + "\"date\": \"2026-01-01T00:00:00.000Z\", \"msg_type\": \"" + type + "\", \"version\": \"5.3\"}";
    }

    private static void send(ZMQ.Socket s, String type, String content, String key) throws Exception {
        String h = header(type);
        sendRaw(s, sign(key, h, "{}", "{}", content), h, content);
    }

    private static void sendRaw(ZMQ.Socket s, String sig, String header, String content) {
        s.sendMore("<IDS|MSG>");
        s.sendMore(sig);
        s.sendMore(header);
        s.sendMore("{}");
        s.sendMore("{}");
        s.send(content);
    }

    private static String sign(String key, String... parts) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        for (String p : parts) mac.update(p.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** The next reply's header and content. */
    private static JsonNode[] receive(ZMQ.Socket s) throws Exception {
        String first = s.recvStr();
        assertNotNull(first, "no reply within 60 s: the socket loop is dead");
        while (!first.equals("<IDS|MSG>")) first = s.recvStr();
        s.recvStr();
        JsonNode header = JSON.readTree(s.recvStr());
        s.recvStr();
        s.recvStr();
        JsonNode content = JSON.readTree(s.recvStr());
        while (s.hasReceiveMore()) s.recv();
        return new JsonNode[] {header, content};
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
