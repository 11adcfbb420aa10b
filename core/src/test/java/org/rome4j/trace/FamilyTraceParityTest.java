package org.rome4j.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rome4j.Shared;
import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Causal tracing on GPT-J, GPT-NeoX and Llama against the original {@code calculate_hidden_flow}
 * (../shared/golden/arch/{family}/causal_trace): with the exported standard-normal draws, every score
 * matrix, the low and high scores and the answer agree within 2e-5; the s3 noise level too.
 */
class FamilyTraceParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"gptj", "gpt_neox", "llama"})
    void scoresWithExportedNoise(String family) throws Exception {
        Path dir = Shared.arch(family);
        JsonNode golden = new ObjectMapper().readTree(dir.resolve("causal_trace/causal_trace.json").toFile());
        double noise = golden.get("noise").asDouble();
        try (Gpt gpt = Gpt.load(dir)) {
            double std = EmbeddingStd.of(gpt, List.of(golden.get("subject").asText()));     // the golden traces one subject
            assertEquals(golden.get("embedding_std").asDouble(), std, 1e-6, family + " embedding std");
            double worst = 0;
            for (JsonNode run : golden.get("runs")) {
                Kind kind = run.get("kind").isNull() ? Kind.RESID : Kind.parse(run.get("kind").asText());
                int w = run.get("window").asInt();
                Noise n = Noise.fixed(noise).withDrawsFile(dir.resolve(golden.get("noise_file").asText()));
                TraceResult r = CausalTrace.builder(gpt).setPrompt(golden.get("prompt").asText())
                        .setSubject(golden.get("subject").asText()).optKind(kind).optWindow(w)
                        .optSamples(golden.get("samples").asInt()).optNoise(n).build().run();
                String what = family + " " + kind + " w" + w;
                Npy.Array want = Npy.read(dir.resolve(run.get("file").asText()));
                assertArrayEquals(new long[] {r.positions().length, r.layers()}, want.shape(), what + " shape");
                for (int t = 0; t < r.positions().length; t++) {
                    for (int l = 0; l < r.layers(); l++) {
                        double err = Math.abs(r.score(t, l) - want.data()[t * r.layers() + l]);
                        worst = Math.max(worst, err);
                        assertTrue(err <= 2e-5, what + " score[" + t + "][" + l + "] off by " + err);
                    }
                }
                assertEquals(run.get("low_score").asDouble(), r.lowScore(), 2e-5, what + " low score");
                assertEquals(run.get("high_score").asDouble(), r.highScore(), 2e-5, what + " high score");
                assertEquals(golden.get("answer_id").asLong(), r.answerId(), what + " answer id");
                assertEquals(run.get("answer").asText(), r.answer(), what + " answer");
                assertArrayEquals(new int[] {golden.get("subject_range").get(0).asInt(), golden.get("subject_range").get(1).asInt()},
                        r.subjectRange(), what + " subject range");
            }
            System.out.println(family + " causal trace parity: " + golden.get("runs").size() + " score matrices, max abs error "
                    + worst);
        }
    }
}
