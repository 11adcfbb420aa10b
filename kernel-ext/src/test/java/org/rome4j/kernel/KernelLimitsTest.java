package org.rome4j.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every request gets a reply and the kernel stays up: a cell with a 70 KB string (also as a magic argument), a cell
 * that crashes the compiler (deeply nested parentheses), {@code System.exit} in a cell, and a history request.
 */
class KernelLimitsTest {
    private static void assertAlive(KernelClient k) throws Exception {
        assertEquals("ok", k.execute("1 + 1").path("status").asText());
        KernelClient.Result thrown = k.run("throw new IllegalStateException(\"still here\")");
        assertEquals("error", thrown.reply().path("status").asText(), thrown.reply().toString());
        assertTrue(String.join("\n", thrown.shown()).contains("still here"), thrown.shown().toString());
    }

    @Test
    void largeCellsAreRunOrRefusedInOneLine() throws Exception {
        KernelClient k = KernelClient.get();
        String big = "a".repeat(70_000);
        KernelClient.Result r = k.run("String big = \"" + big + "\";\nbig.length()");
        String status = r.reply().path("status").asText();
        assertTrue(status.equals("ok") || r.shown().size() == 1, r.reply() + " " + r.shown());
        assertAlive(k);
        KernelClient.Result trace = k.run("%trace \"" + "word ".repeat(14_000) + "plays\" --subject word");
        assertEquals("error", trace.reply().path("status").asText(), trace.reply().toString());
        assertAlive(k);
    }

    @Test
    void aCompilerCrashGetsAReply() throws Exception {
        KernelClient k = KernelClient.get();
        KernelClient.Result r = k.run("(".repeat(20_000) + "1" + ")".repeat(20_000));
        assertEquals("error", r.reply().path("status").asText(), r.reply().toString());
        assertAlive(k);
    }

    @Test
    void systemExitInACellIsRefused() throws Exception {
        KernelClient k = KernelClient.get();
        KernelClient.Result r = k.run("System.exit(3)");
        assertEquals("error", r.reply().path("status").asText(), r.reply().toString());
        assertTrue(String.join("\n", r.shown()).contains("exit"), r.shown().toString());
        assertAlive(k);
    }

    @Test
    void historyIsAnswered() throws Exception {
        KernelClient k = KernelClient.get();
        k.execute("1 + 2");
        ZMQ.Socket shell = k.dealer(k.shellPort);
        KernelClient.send(shell, "history_request", "{\"output\": false, \"raw\": true, \"hist_access_type\": \"tail\", \"n\": 5}",
                KernelClient.KEY);
        JsonNode[] reply = KernelClient.receive(shell);
        assertEquals("history_reply", reply[0].path("msg_type").asText(), reply[0].toString());
        shell.close();
    }
}
