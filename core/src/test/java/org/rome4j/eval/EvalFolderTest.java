package org.rome4j.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An evaluation folder resumes only its own run: another dataset (even with the same case ids) or other
 * hyper-parameters are refused, duplicate case ids are refused before anything runs, and a damaged case file
 * is computed again.
 */
class EvalFolderTest {
    private static Rome rome(Gpt gpt, int steps) {
        RomeHparams hp = RomeHparams.parse(RomeHparams.preset("tiny-facts").toJson().put("v_num_grad_steps", steps), "test");
        int f = gpt.config().nInner();
        float[] id = new float[f * f];
        for (int i = 0; i < f; i++) id[i * f + i] = 1f;
        return Rome.builder(gpt).setHparams(hp).optTemplates(List.of("{}")).optInverse(0, id).optMeasure(false).build();
    }

    @Test
    void aFolderResumesOnlyItsOwnRun(@TempDir Path tmp) throws Exception {
        try (Gpt gpt = Models.load("tiny-facts")) {
            List<CounterFactRecord> shipped = CounterFactRecord.readResource(Known1000Benchmark.RESOURCE);
            List<CounterFactRecord> recs = shipped.subList(0, 2);
            Path out = tmp.resolve("out");
            CounterFactEval ev = CounterFactEval.builder(rome(gpt, 2)).outDir(out).generationTokens(0).build();
            CounterFactEval.Result first = ev.run(recs);
            assertEquals(2, first.cases().size());
            assertTrue(Files.isRegularFile(out.resolve(CaseFiles.RUN)));

            // the same case ids, another target: not the first run's cases
            ObjectNode changed = recs.get(0).toJson().deepCopy();
            ((ObjectNode) changed.get("requested_rewrite").get("target_new")).put("str", "basketball");
            List<CounterFactRecord> other = List.of(CounterFactRecord.parse(new ObjectMapper().createArrayNode().add(changed), "test").get(0),
                    recs.get(1));
            assertEquals(recs.get(0).caseId(), other.get(0).caseId());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ev.run(other));
            assertTrue(e.getMessage().contains("another run") && e.getMessage().contains("records_sha256"), e.getMessage());
            IllegalArgumentException hp = assertThrows(IllegalArgumentException.class,
                    () -> CounterFactEval.builder(rome(gpt, 3)).outDir(out).generationTokens(0).build().run(recs));
            assertTrue(hp.getMessage().contains("hparams"), hp.getMessage());

            // a case file cut off by a crash is computed again, to the same numbers
            Path f = out.resolve("case_" + recs.get(1).caseId() + ".json");
            String whole = Files.readString(f);
            Files.writeString(f, whole.substring(0, whole.length() / 2));
            CounterFactEval.Result again = ev.run(recs);
            assertEquals(first.post(), again.post());
            ObjectNode before = (ObjectNode) new ObjectMapper().readTree(whole);
            ObjectNode now = (ObjectNode) new ObjectMapper().readTree(f.toFile());
            before.remove("time");
            now.remove("time");
            assertEquals(before, now, "recomputed to the same numbers (the time aside)");
        }
    }

    @Test
    void duplicateCaseIdsAreRefusedBeforeAnythingRuns(@TempDir Path tmp) throws Exception {
        try (Gpt gpt = Models.load("tiny-facts")) {
            CounterFactRecord r = CounterFactRecord.readResource(Known1000Benchmark.RESOURCE).get(0);
            Path out = tmp.resolve("out");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CounterFactEval.builder(rome(gpt, 2)).outDir(out).generationTokens(0).build().run(List.of(r, r)));
            assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
            assertFalse(Files.exists(out), "nothing written");
        }
    }
}
