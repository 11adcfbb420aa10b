package org.rome4j.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record the edit refuses (an all-{@code <unk>} target on the word-level tiny-facts) does not stop a
 * single-machine evaluation: it is listed in {@code errors.csv}, the records after it are evaluated,
 * progress carries an ETA, and a rerun retries only the refused record.
 */
class EvalRefusedRecordTest {
    @Test
    void refusedRecordIsListedAndTheRunGoesOn(@TempDir Path out) throws Exception {
        try (Gpt gpt = Models.load("tiny-facts")) {
            RomeHparams hp = RomeHparams.parse(RomeHparams.preset("tiny-facts").toJson().put("v_num_grad_steps", 2), "test");
            int f = gpt.config().nInner();
            float[] id = new float[f * f];
            for (int i = 0; i < f; i++) id[i * f + i] = 1f;
            Rome rome = Rome.builder(gpt).setHparams(hp).optTemplates(List.of("{}", "It is a good. {}")).optInverse(0, id)
                    .optMeasure(false).build();
            List<CounterFactRecord> shipped = CounterFactRecord.readResource(Known1000Benchmark.RESOURCE);
            ObjectNode bad = shipped.get(1).toJson().deepCopy();
            ((ObjectNode) bad.get("requested_rewrite").get("target_new")).put("str", "Zxqvwy");
            List<CounterFactRecord> recs = List.of(shipped.get(0), CounterFactRecord.parse(
                    new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode().add(bad), "test").get(0), shipped.get(2));
            List<String> messages = new ArrayList<>();
            CounterFactEval ev = CounterFactEval.builder(rome).outDir(out).generationTokens(0)
                    .optListener((d, t, m) -> messages.add(d + "/" + t + " " + m)).build();

            CounterFactEval.Result r = ev.run(recs);
            assertEquals(2, r.cases().size(), "the records before and after the refused one");
            assertEquals(recs.get(2).caseId(), r.cases().get(1).get("case_id").asInt());
            List<String> errors = Files.readAllLines(out.resolve("errors.csv"));
            assertEquals(2, errors.size(), String.join("\n", errors));
            assertEquals("idx,error", errors.get(0));
            assertTrue(errors.get(1).startsWith("1,") && errors.get(1).contains("entirely unknown"), errors.get(1));
            assertFalse(Files.exists(out.resolve("case_" + recs.get(1).caseId() + ".json")), "no case file: a rerun retries it");
            assertEquals(0, rome.edits().size(), "nothing stays edited");
            assertTrue(messages.get(1).startsWith("2/3 ") && messages.get(1).contains("refused"), messages.get(1));
            assertTrue(messages.get(0).matches("1/3 .*, ETA \\d+s"), "progress carries an ETA: " + messages.get(0));
            assertTrue(messages.get(messages.size() - 1).contains("1 of 3 records refused"), messages.toString());

            // the rerun reads the two cases back and retries the refused record only
            messages.clear();
            CounterFactEval.Result again = ev.run(recs);
            assertEquals(2, again.cases().size());
            assertEquals(r.post(), again.post());
            assertEquals(2, Files.readAllLines(out.resolve("errors.csv")).size());
            assertFalse(messages.get(0).contains("ETA"), "cached cases give no estimate: " + messages.get(0));
        }
    }
}
