package org.rome4j.trace;

import org.rome4j.model.Gpt;

import java.util.Locale;

/**
 * How many noise samples a trace may use and how many run at once. Each sample keeps the corrupted
 * run's states (the KV cache and every layer's input, MLP and attention output: about
 * {@code 5 · layers · tokens · width} floats) while its cells are restored, so samples run in chunks of
 * at most {@link #chunkBytes} (scores and the corrupted baseline are means over samples, so chunking
 * changes only rounding). What cannot be chunked is the noise itself, drawn up front in float64: a
 * request whose draws would not fit a quarter of the heap is refused, naming the limit.
 */
final class SampleBudget {
    /** Bytes of per-sample states one chunk may hold (package-private so tests can force chunking). */
    static long chunkBytes = 1L << 30;

    private SampleBudget() { }

    /** Bytes one sample holds while its cells are restored, on {@code gpt} with a prompt of {@code tokens}. */
    static long bytesPerSample(Gpt gpt, int tokens) {
        long l = gpt.nLayer();
        long d = gpt.config().nEmbd();
        long heads = gpt.config().nHead();
        // retained: KV (2), layer inputs, MLP and attention outputs (3), per layer; plus the embedding; plus the
        // forward's transient activations of one row (MLP hidden 4d, attention scores heads · tokens)
        return 4L * tokens * (5 * l * d + d + 4 * d + heads * tokens);
    }

    /** Samples per chunk on {@code gpt} for a prompt of {@code tokens}. */
    static int perChunk(Gpt gpt, int tokens) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, chunkBytes / bytesPerSample(gpt, tokens)));
    }

    /**
     * Refuses a sample count whose noise draws (float64, drawn and scaled) would exceed a quarter of the heap.
     *
     * @throws IllegalArgumentException naming the largest count that fits
     */
    static void check(int samples, int subjectTokens, int width, int tokens) {
        long perSample = 16L * subjectTokens * width;
        long budget = Runtime.getRuntime().maxMemory() / 4;
        long max = Math.max(1, budget / perSample);
        if (samples > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--samples %d needs %.0f MB of noise draws for this subject "
                            + "(%d tokens x width %d); at most %d samples fit in this JVM's heap (%.0f MB): lower --samples or raise -Xmx",
                    samples, samples * perSample / 1e6, subjectTokens, width, max, Runtime.getRuntime().maxMemory() / 1e6));
        }
    }
}
