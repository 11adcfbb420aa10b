package org.rome4j.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.data.KnownFacts;
import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;
import org.rome4j.rome.ContextTemplates;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CounterFact metrics, resuming, the known_1000 benchmark, zsRE accuracy and the n-gram entropy. */
class EvalTest {
    static Gpt gpt;
    static Rome rome;

    @BeforeAll
    static void load() throws Exception {
        gpt = Gpt.load(Shared.tinyGpt2());
        Path g = Shared.tinyGpt2().resolve("rome");
        RomeHparams hp = RomeHparams.parse(RomeHparams.read(g.resolve("hparams.json")).toJson().put("v_num_grad_steps", 3), "test");
        rome = Rome.builder(gpt).setHparams(hp).optTemplates(ContextTemplates.read(g.resolve("context_templates.json")).subList(0, 3))
                .optInverse(1, Npy.read(g.resolve("mom2_inverse_float32.npy")).floats()).optMeasure(false).build();
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    @Test
    void nGramEntropyAsTheOriginal() {
        // numpy on the same tokens (NLTK's word_tokenize splits this text identically): 3.8333527393608664
        assertEquals(3.8333527393608664, NGramEntropy.of("The cat sat on the mat. The cat sat on the hat, and the dog sat too."), 1e-12);
        assertEquals(0.0, NGramEntropy.of("word"), 0.0);
        assertEquals(0, CounterFactEval.hmean(100, 0, 50));
        assertEquals(2.0 / (1 / 100.0 + 1 / 50.0), CounterFactEval.hmean(100, 50), 1e-12);
    }

    @Test
    void tfIdfCosine() {
        TfIdf v = new TfIdf(Map.of("paris", 0, "france", 1, "city", 2), new double[] {2, 1, 1});
        assertEquals(1.0, v.similarity("Paris, France", "france PARIS"), 1e-12);
        assertEquals(0.0, v.similarity("Paris", "city"), 1e-12);
    }

    @Test
    void benchmarkFromKnown1000() throws Exception {
        List<CounterFactRecord> recs = Known1000Benchmark.build(KnownFacts.read(Shared.known1000()), 0);
        assertEquals(recs, Known1000Benchmark.build(KnownFacts.read(Shared.known1000()), 0), "deterministic");
        List<CounterFactRecord> shipped = CounterFactRecord.readResource(Known1000Benchmark.RESOURCE);
        assertEquals(recs.size(), shipped.size());
        assertEquals(recs.get(7).request(), shipped.get(7).request());
        CounterFactRecord r = recs.get(0);           // Vinson Massif, P30, Antarctica
        assertEquals("Vinson Massif", r.request().subject());
        assertEquals("Antarctica", r.request().targetTrue());
        assertFalse(r.request().targetNew().equals("Antarctica"));
        assertTrue(r.paraphrasePrompts().stream().allMatch(p -> p.contains("Vinson Massif")));
        assertTrue(r.neighborhoodPrompts().stream().noneMatch(p -> p.contains("Vinson Massif")));
        assertEquals(10, r.neighborhoodPrompts().size());
    }

    @Test
    void counterFactCaseResumesAndScores(@TempDir Path out) throws Exception {
        List<CounterFactRecord> recs = CounterFactRecord.read(Shared.root().resolve("data/rome/counterfact.case0.json"));
        assertEquals(1, recs.size());
        CounterFactEval ev = CounterFactEval.builder(rome).outDir(out).generationTokens(5).build();
        CounterFactEval.Result r = ev.run(recs);
        ObjectNode c = r.cases().get(0);
        assertEquals(1, c.get("pre").get("rewrite_prompts_probs").size());
        assertEquals(2, c.get("pre").get("paraphrase_prompts_probs").size());
        assertEquals(10, c.get("pre").get("neighborhood_prompts_probs").size());
        // the edit lowers the NLL of target_new on the rewrite prompt
        assertTrue(c.get("post").get("rewrite_prompts_probs").get(0).get("target_new").asDouble()
                < c.get("pre").get("rewrite_prompts_probs").get(0).get("target_new").asDouble());
        assertEquals(0, rome.edits().size(), "each case is undone");
        // resume: a doctored case file is read back instead of recomputed
        Path f = out.resolve("case_0.json");
        ObjectNode doctored = (ObjectNode) new ObjectMapper().readTree(f.toFile());
        ((ObjectNode) doctored.get("post").get("rewrite_prompts_probs").get(0)).put("target_new", 0.0).put("target_true", 9.0);
        new ObjectMapper().writeValue(f.toFile(), doctored);
        CounterFactEval.Result again = ev.run(recs);
        assertEquals(100.0, again.post().get("ES"), 1e-9);
        assertEquals(2, again.table().rowCount());
        assertTrue(Files.readString(out.resolve("summary.txt")).contains("ES"));
    }

    @Test
    void zsreTokenAccuracy() throws Exception {
        List<ZsreEval.Record> recs = ZsreEval.read(Shared.root().resolve("data/rome/zsre_mend_eval.first72.json"));
        assertTrue(recs.size() > 60);
        ZsreEval.Record r = recs.get(0);
        assertEquals("What university did {} attend?", r.request().prompt());
        ZsreEval.Result res = new ZsreEval(rome, null, 1, org.rome4j.progress.ProgressListener.NONE, org.rome4j.progress.CancellationToken.NONE).run(recs);
        long[] ans = gpt.tokenizer().ids(" " + r.answer());
        assertEquals(ans.length, res.cases().get(0).get("pre").get("rewrite_prompts_correct").size());
        for (String k : List.of("efficacy", "paraphrase", "specificity")) {
            double v = res.post().get(k);
            assertTrue(v >= 0 && v <= 100, k + " " + v);
        }
    }
}
