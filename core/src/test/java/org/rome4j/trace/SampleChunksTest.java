package org.rome4j.trace;

import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.model.Gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Samples run in chunks give the unchunked scores (means over the same draws); too many samples are refused with the limit. */
class SampleChunksTest {
    @Test
    void chunkedSamplesGiveTheSameScores() {
        long saved = SampleBudget.chunkBytes;
        try (Gpt gpt = Gpt.load(Shared.tinyGpt2())) {
            CausalTrace.Builder b = CausalTrace.builder(gpt).setPrompt("Michael Jordan plays the sport of").setSubject("Michael Jordan")
                    .optKind(Kind.MLP).optWindow(2).optSamples(7).optNoise(Noise.parse("s3").withSeed(5));
            TraceResult whole = b.build().run();
            int tokens = whole.tokens().size();
            SampleBudget.chunkBytes = 3 * SampleBudget.bytesPerSample(gpt, tokens);   // chunks of 3, 3 and 1 samples
            assertEquals(3, SampleBudget.perChunk(gpt, tokens));
            TraceResult chunked = b.build().run();
            assertEquals(whole.lowScore(), chunked.lowScore(), 1e-6);
            assertEquals(whole.highScore(), chunked.highScore(), 0.0);
            for (int t = 0; t < whole.scores().length; t++) {
                for (int l = 0; l < whole.scores()[t].length; l++) {
                    assertEquals(whole.scores()[t][l], chunked.scores()[t][l], 1e-6, "token " + t + " layer " + l);
                }
            }
        } finally {
            SampleBudget.chunkBytes = saved;
        }
    }

    @Test
    void refusesSamplesWhoseNoiseCannotFit() {
        long max = Runtime.getRuntime().maxMemory() / 4 / (16L * 3 * 1600);
        SampleBudget.check((int) max, 3, 1600, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SampleBudget.check((int) max + 1, 3, 1600, 10));
        assertTrue(e.getMessage().contains("at most " + max + " samples"), e.getMessage());
    }
}
