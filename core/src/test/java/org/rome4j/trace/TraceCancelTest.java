package org.rome4j.trace;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rome4j.Shared;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trace cancelled from another thread stops at its next forward: no further restored batch runs
 * after the cancel, and the run throws instead of returning a grid with cells missing.
 */
class TraceCancelTest {
    static Gpt gpt;

    @BeforeAll
    static void load() {
        gpt = Gpt.load(Shared.tinyGpt2());
    }

    @AfterAll
    static void close() {
        gpt.close();
    }

    @ParameterizedTest
    @EnumSource(CausalTrace.Schedule.class)
    void cancelAfterTheFirstProgressEventStopsWithinOneForward(CausalTrace.Schedule schedule) throws Exception {
        long saved = SampleBudget.chunkBytes;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            String prompt = "Michael Jordan plays the sport of";
            // two sample chunks of 2, and one cell per batched forward (4 rows at most): many forwards to cancel between
            SampleBudget.chunkBytes = 2 * SampleBudget.bytesPerSample(gpt, gpt.tokenizer().ids(prompt).length);
            CancellationToken cancel = new CancellationToken();
            CountDownLatch first = new CountDownLatch(1);
            CountDownLatch cancelled = new CountDownLatch(1);
            AtomicInteger events = new AtomicInteger();
            AtomicLong done = new AtomicLong();
            AtomicLong total = new AtomicLong();
            CausalTrace trace = CausalTrace.builder(gpt).setPrompt(prompt).setSubject("Michael Jordan").optSamples(4)
                    .optMaxRows(2).optSchedule(schedule).optNoise(Noise.fixed(0.5)).optCancellation(cancel)
                    .optProgress((d, t, msg) -> {
                        events.incrementAndGet();
                        done.set(d);
                        total.set(t);
                        if (first.getCount() > 0) {
                            first.countDown();
                            try {
                                // the worker waits here until the other thread has cancelled
                                assertTrue(cancelled.await(30, TimeUnit.SECONDS));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }).build();
            Future<List<TraceResult>> run = pool.submit(() -> trace.run(List.of(Kind.RESID, Kind.MLP, Kind.ATTN)));
            assertTrue(first.await(60, TimeUnit.SECONDS), "a first progress event");
            cancel.cancel();
            cancelled.countDown();
            ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(60, TimeUnit.SECONDS),
                    "a cancelled trace returns no result");
            assertInstanceOf(CancellationException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("causal trace cancelled"), e.getCause().getMessage());
            assertEquals(1, events.get(), "no restored forward ran after the cancel");
            int cells = 3 * gpt.tokenizer().ids(prompt).length * gpt.nLayer();
            assertEquals(2L * cells, total.get(), "every cell in each of the two sample chunks");
            assertTrue(done.get() < total.get(), "stopped before the grid was finished: " + done.get() + " of " + total.get());
        } finally {
            SampleBudget.chunkBytes = saved;
            pool.shutdownNow();
        }
    }
}
