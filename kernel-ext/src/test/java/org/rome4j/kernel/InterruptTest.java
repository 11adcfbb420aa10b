package org.rome4j.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interrupts are transactional over the real protocol: an interrupted {@code %rome_edit} either finished before
 * its reply or left no edit (none lands later), and no cell thread keeps computing after the reply.
 */
class InterruptTest {
    private static final String EDIT = "%rome_edit \"{} plays the sport of\" --subject \"Megan Rapinoe\" --target basketball";
    private static final String NO_CELL_RUNNING = "if (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(\"rome4j-cell-\")"
            + " && t != Thread.currentThread() && t.getState() == Thread.State.RUNNABLE)) throw new IllegalStateException(\"a cell thread still runs\");";

    private static String expectEdits(int n) {
        return "var ed = %edits\nif (ed.edits().size() != " + n + ") throw new IllegalStateException(\"active edits: \" + ed.edits().size());";
    }

    @Test
    void anInterruptedEditFinishesBeforeTheReplyOrLeavesNoEdit() throws Exception {
        KernelClient k = KernelClient.get();
        assertEquals("ok", k.execute("%load_model tiny-facts").path("status").asText());
        k.execute("%rome_undo --all");
        assertEquals("ok", k.execute(EDIT).path("status").asText());   // statistics computed once, outside the timed runs
        assertEquals("ok", k.execute("%rome_undo").path("status").asText());
        long t0 = System.nanoTime();
        assertEquals("ok", k.execute(EDIT).path("status").asText());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("ok", k.execute("%rome_undo").path("status").asText());
        int interrupted = 0;
        long[] points = {0, ms / 8, ms / 4, ms / 2, 3 * ms / 4, ms / 3, ms / 5, ms / 6};
        for (int i = 0; i < points.length && (i < 5 || interrupted == 0); i++) {   // the last three only if none was stopped yet
            long at = points[i];
            JsonNode reply = k.run(EDIT, at).reply();
            boolean done = reply.path("status").asText().equals("ok");
            if (!done) {
                interrupted++;
                assertTrue(reply.path("evalue").asText().contains("interrupted") || reply.path("ename").asText().contains("nterrupt"),
                        reply.toString());
            }
            Thread.sleep(Math.max(300, ms));   // time for a late edit to land, if one could
            JsonNode check = k.execute(expectEdits(done ? 1 : 0));
            assertEquals("ok", check.path("status").asText(), "interrupt after " + at + " of " + ms + " ms: " + check);
            if (done) k.execute("%rome_undo");
        }
        assertTrue(interrupted > 0, "at least the interrupt at 0 ms stopped the edit");
    }

    @Test
    void aLoopThatIgnoresInterruptsIsStopped() throws Exception {
        KernelClient k = KernelClient.get();
        assertEquals("ok", k.execute("1 + 1").path("status").asText());   // the kernel has started
        JsonNode reply = k.run("while (true) { Math.sqrt(Math.random()); }", 300).reply();
        assertEquals("error", reply.path("status").asText(), reply.toString());
        JsonNode check = k.execute(NO_CELL_RUNNING);
        assertEquals("ok", check.path("status").asText(), check.toString());
        assertEquals("ok", k.execute("1 + 1").path("status").asText());
    }
}
