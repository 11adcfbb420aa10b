package org.rome4j.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
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

/**
 * One rome4j kernel per test JVM (jjava allows one notebook kernel per process), connected the way
 * {@link Launcher} connects it, and a minimal ZMQ client that signs messages with its key.
 */
final class KernelClient {
    static final String KEY = "secret-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KernelClient instance;

    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    final int shellPort;
    final int controlPort;
    final int iopubPort;
    private final ZContext zmq = new ZContext();
    private ZMQ.Socket shell;
    private ZMQ.Socket iopub;
    private ZMQ.Socket control;

    /** What a cell produced: the execute_reply and the iopub error's traceback as a notebook shows it (empty if none). */
    record Result(JsonNode reply, java.util.List<String> shown) { }

    private KernelClient() throws Exception {
        shellPort = freePort();
        controlPort = freePort();
        iopubPort = freePort();
        String c = String.format(Locale.ROOT, """
                {"transport": "tcp", "ip": "127.0.0.1", "control_port": %d, "shell_port": %d, "stdin_port": %d,
                 "hb_port": %d, "iopub_port": %d, "key": "%s", "signature_scheme": "hmac-sha256"}""",
                controlPort, shellPort, freePort(), freePort(), iopubPort, KEY);
        RomeKernel kernel = RomeKernel.create();
        JupyterConnection conn = Launcher.connect(kernel, KernelConnectionProperties.parse(c), new PrintStream(log, true));
        kernel.onStartup();
        Runtime.getRuntime().addShutdownHook(new Thread(conn::close));
    }

    /** The kernel of this JVM, started on first use. */
    static synchronized KernelClient get() throws Exception {
        if (instance == null) instance = new KernelClient();
        return instance;
    }

    /** A DEALER socket to a port of the kernel, with a 60 s receive timeout. */
    ZMQ.Socket dealer(int port) {
        ZMQ.Socket s = zmq.createSocket(SocketType.DEALER);
        s.setReceiveTimeOut(60_000);
        s.connect("tcp://127.0.0.1:" + port);
        return s;
    }

    /** Runs a cell; returns the execute_reply content. */
    JsonNode execute(String code) throws Exception {
        return run(code).reply();
    }

    /** Runs a cell; returns the reply and what the notebook shows for an error (the iopub error's traceback). */
    Result run(String code) throws Exception {
        return run(code, -1);
    }

    /** Runs a cell and, {@code interruptAfterMs} after sending it (when not negative), sends interrupt_request on the control socket. */
    synchronized Result run(String code, long interruptAfterMs) throws Exception {
        if (shell == null) {
            shell = dealer(shellPort);
            iopub = zmq.createSocket(SocketType.SUB);
            iopub.setReceiveTimeOut(60_000);
            iopub.subscribe(new byte[0]);
            iopub.connect("tcp://127.0.0.1:" + iopubPort);
            Thread.sleep(500);     // a SUB socket misses what is published before it has joined
        }
        String h = header("execute_request");
        String id = JSON.readTree(h).path("msg_id").asText();
        String content = JSON.createObjectNode().put("code", code).put("silent", false).put("store_history", true)
                .put("allow_stdin", false).put("stop_on_error", true).set("user_expressions", JSON.createObjectNode()).toString();
        sendRaw(shell, sign(KEY, h, "{}", "{}", content), h, content);
        if (interruptAfterMs >= 0) {
            Thread.sleep(interruptAfterMs);
            if (control == null) control = dealer(controlPort);
            send(control, "interrupt_request", "{}", KEY);
            receive(control);   // interrupt_reply
        }
        JsonNode[] r = receive(shell);
        if (!r[0].path("msg_type").asText().equals("execute_reply")) throw new IllegalStateException("unexpected reply " + r[0]);
        java.util.List<String> shown = new java.util.ArrayList<>();
        while (true) {
            JsonNode[] m = receiveWithParent(iopub);
            if (!m[1].path("msg_id").asText().equals(id)) continue;
            String type = m[0].path("msg_type").asText();
            if (type.equals("error")) m[2].path("traceback").forEach(t -> shown.add(t.asText()));
            if (type.equals("status") && m[2].path("execution_state").asText().equals("idle")) break;
        }
        return new Result(r[1], shown);
    }

    private static JsonNode[] receiveWithParent(ZMQ.Socket s) throws Exception {
        String first = s.recvStr();
        if (first == null) throw new AssertionError("no iopub message within 60 s");
        while (!first.equals("<IDS|MSG>")) first = s.recvStr();
        s.recvStr();
        JsonNode header = JSON.readTree(s.recvStr());
        JsonNode parent = JSON.readTree(s.recvStr());
        s.recvStr();
        JsonNode content = JSON.readTree(s.recvStr());
        while (s.hasReceiveMore()) s.recv();
        return new JsonNode[] {header, parent, content};
    }

    static String header(String type) {
        return "{\"msg_id\": \"" + UUID.randomUUID() + "\", \"username\": \"test\", \"session\": \"s\", "
                + "\"date\": \"2026-01-01T00:00:00.000Z\", \"msg_type\": \"" + type + "\", \"version\": \"5.3\"}";
    }

    static void send(ZMQ.Socket s, String type, String content, String key) throws Exception {
        String h = header(type);
        sendRaw(s, sign(key, h, "{}", "{}", content), h, content);
    }

    static void sendRaw(ZMQ.Socket s, String sig, String header, String content) {
        s.sendMore("<IDS|MSG>");
        s.sendMore(sig);
        s.sendMore(header);
        s.sendMore("{}");
        s.sendMore("{}");
        s.send(content);
    }

    static String sign(String key, String... parts) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        for (String p : parts) mac.update(p.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** The next reply's header and content; null header when none came within the timeout. */
    static JsonNode[] receive(ZMQ.Socket s) throws Exception {
        String first = s.recvStr();
        if (first == null) throw new AssertionError("no reply within 60 s: the socket loop is dead");
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
