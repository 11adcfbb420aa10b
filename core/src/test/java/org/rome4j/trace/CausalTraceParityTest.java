package org.rome4j.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with the original {@code experiments/causal_trace.py} on the golden tiny GPT-2
 * (../shared/golden/tiny-gpt2/causal_trace): the exported standard-normal draws are injected, scaled
 * by the golden noise level, and every score matrix must agree within 1e-5.
 */
class CausalTraceParityTest {
    static Path dir;
    static Gpt gpt;
    static JsonNode golden;
    static double noise;

    @BeforeAll
    static void load() throws Exception {
        dir = Shared.tinyGpt2();
        gpt = Gpt.load(dir);
        golden = new ObjectMapper().readTree(dir.resolve("causal_trace/causal_trace.json").toFile());
        noise = golden.get("noise").asDouble();
        assertEquals(1.514000415802002, noise, 0.0);
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    static CausalTrace.Builder builder(JsonNode c, Kind kind, int window) throws Exception {
        Noise n = Noise.fixed(noise).withDrawsFile(dir.resolve("causal_trace/" + c.get("name").asText() + "_noise_randn_f64.npy"));
        return CausalTrace.builder(gpt).setPrompt(c.get("prompt").asText()).setSubject(c.get("subject").asText())
                .optKind(kind).optWindow(window).optSamples(golden.get("samples").asInt()).optNoise(n);
    }

    @Test
    void everyScoreMatrixLowAndHighScoreAndSubjectRange() throws Exception {
        double worst = 0;
        int runs = 0;
        for (JsonNode c : golden.get("cases")) {
            String name = c.get("name").asText();
            for (JsonNode run : c.get("runs")) {
                Kind kind = run.get("kind").isNull() ? Kind.RESID : Kind.parse(run.get("kind").asText());
                int w = run.get("window").asInt();
                TraceResult r = builder(c, kind, w).build().run();
                String what = name + " " + kind + " w" + w;
                Npy.Array want = Npy.read(dir.resolve(run.get("file").asText()));
                assertArrayEquals(new long[] {r.positions().length, r.layers()}, want.shape(), what + " shape");
                double[][] got = r.scores();
                for (int t = 0; t < got.length; t++) {
                    for (int l = 0; l < got[t].length; l++) {
                        double err = Math.abs(got[t][l] - want.data()[t * got[t].length + l]);
                        worst = Math.max(worst, err);
                        assertTrue(err <= 1e-5, what + " score[" + t + "][" + l + "] off by " + err);
                    }
                }
                assertEquals(run.get("low_score").asDouble(), r.lowScore(), 1e-5, what + " low score");
                assertEquals(run.get("high_score").asDouble(), r.highScore(), 1e-5, what + " high score");
                assertEquals(run.get("answer_id").asLong(), r.answerId(), what + " answer id");
                assertEquals(run.get("answer").asText(), r.answer(), what + " answer");
                assertArrayEquals(new int[] {run.get("subject_range").get(0).asInt(), run.get("subject_range").get(1).asInt()},
                        r.subjectRange(), what + " subject range");
                List<String> tokens = new ObjectMapper().convertValue(run.get("input_tokens"),
                        new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { });
                assertEquals(tokens, r.tokens(), what + " tokens");
                runs++;
            }
        }
        assertEquals(14, runs);
        System.out.println("causal trace parity: 14 score matrices, max abs error " + worst);
    }

    @Test
    void scaledNoiseFileGivesTheSameCorruption() throws Exception {
        for (JsonNode c : golden.get("cases")) {
            String name = c.get("name").asText();
            Npy.Array scaled = Npy.read(dir.resolve("causal_trace/" + name + "_noise_scaled_f64.npy"));
            // scale 1 with the already-scaled draws: bitwise the same noise
            Noise n = Noise.fixed(1.0).withDraws(scaled.shape(), scaled.data());
            CausalTrace ct = CausalTrace.builder(gpt).setPrompt(c.get("prompt").asText()).setSubject(c.get("subject").asText())
                    .optNoise(n).build();
            Npy.Array wte = Npy.read(dir.resolve("causal_trace/" + name + "_corrupted_wte_output.npy"));   // [11, T, D]
            try (CausalTrace.Prepared p = ct.prepare()) {
                float[] ours = p.tracer.corruptedEmbed;    // [10, T, D]: rows 1..10 of the golden
                float[] want = wte.floats();
                int rowSize = ours.length / 10;
                for (int i = 0; i < ours.length; i++) {
                    assertEquals(want[rowSize + i], ours[i], 0.0f, name + " corrupted embedding element " + i);
                }
                assertEquals(c.get("runs").get(0).get("low_score").asDouble(), p.tracer.lowScore, 1e-5, name + " low score");
            }
            try (CausalTrace.Prepared p = builder(c, Kind.RESID, 10).build().prepare()) {
                float[] ours = p.tracer.corruptedEmbed;
                float[] want = wte.floats();
                int rowSize = ours.length / 10;
                for (int i = 0; i < ours.length; i++) {
                    assertEquals(want[rowSize + i], ours[i], 0.0f, name + " corrupted embedding (randn × noise) element " + i);
                }
            }
        }
    }

    @Test
    void s3EmbeddingStdOfTheGoldenSubjects() {
        List<String> subjects = List.of("The Space Needle", "Michael Jordan");
        double std = EmbeddingStd.of(gpt, subjects);
        assertEquals(0.504666805267334, std, 1e-6);
        assertEquals(golden.get("embedding_std").asDouble(), std, 1e-6);
        assertEquals(1.514000415802002, Noise.parse("s3").scaleFor(std), 3e-6);
        System.out.println("s3 embedding std: " + std + " (golden 0.504666805267334)");
    }

    @Test
    void naiveScheduleMatchesBatched() throws Exception {
        JsonNode c = golden.get("cases").get(1);
        for (Kind k : Kind.values()) {
            TraceResult fast = builder(c, k, 3).build().run();
            TraceResult slow = builder(c, k, 3).optSchedule(CausalTrace.Schedule.NAIVE).build().run();
            for (int t = 0; t < fast.positions().length; t++) {
                for (int l = 0; l < fast.layers(); l++) {
                    assertEquals(slow.score(t, l), fast.score(t, l), 1e-6, k + " [" + t + "][" + l + "]");
                }
            }
        }
    }
}
