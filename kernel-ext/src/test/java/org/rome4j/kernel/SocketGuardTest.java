package org.rome4j.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Badly signed or malformed messages on the shell and control sockets are dropped; the kernel keeps answering. */
class SocketGuardTest {
    @Test
    void shellSocketSurvivesBadSignaturesAndStillExecutes() throws Exception {
        KernelClient k = KernelClient.get();
        try (ZMQ.Socket shell = k.dealer(k.shellPort)) {
            sendBad(shell);
            KernelClient.send(shell, "execute_request", "{\"code\": \"1 + 1\", \"silent\": false, \"store_history\": true, "
                    + "\"user_expressions\": {}, \"allow_stdin\": false, \"stop_on_error\": true}", KernelClient.KEY);
            JsonNode[] reply = KernelClient.receive(shell);
            assertEquals("execute_reply", reply[0].path("msg_type").asText());
            assertEquals("ok", reply[1].path("status").asText(), reply[1].toString());
        }
        assertEquals(1, k.log.toString().lines().filter(l -> l.contains("invalid signature on the shell socket")).count(), k.log.toString());
    }

    @Test
    void controlSocketSurvivesBadSignaturesAndStillAnswers() throws Exception {
        KernelClient k = KernelClient.get();
        try (ZMQ.Socket control = k.dealer(k.controlPort)) {
            sendBad(control);
            KernelClient.send(control, "kernel_info_request", "{}", KernelClient.KEY);
            JsonNode[] reply = KernelClient.receive(control);
            assertEquals("kernel_info_reply", reply[0].path("msg_type").asText());
            assertEquals("java", reply[1].path("language_info").path("name").asText());
        }
        assertEquals(1, k.log.toString().lines().filter(l -> l.contains("invalid signature on the control socket")).count(), k.log.toString());
    }

    /** A wrong signature, an empty one, one signed with another key, and a correctly signed unparseable header. */
    private static void sendBad(ZMQ.Socket s) throws Exception {
        KernelClient.sendRaw(s, "deadbeef", KernelClient.header("execute_request"), "{}");
        KernelClient.sendRaw(s, "", KernelClient.header("execute_request"), "{}");
        KernelClient.send(s, "kernel_info_request", "{}", "other-key");
        KernelClient.sendRaw(s, KernelClient.sign(KernelClient.KEY, "{not json", "{}", "{}", "{}"), "{not json", "{}");
    }
}
