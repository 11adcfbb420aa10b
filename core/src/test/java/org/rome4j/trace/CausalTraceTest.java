package org.rome4j.trace;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of causal traces on the tiny golden model: ranges, seeds, frozen paths, errors, cancellation. */
class CausalTraceTest {
    static Gpt gpt;
    static final String PROMPT = "Michael Jordan plays the sport of";
    static final String SUBJECT = "Michael Jordan";

    @BeforeAll
    static void load() {
        gpt = Gpt.load(Shared.tinyGpt2());
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    static CausalTrace.Builder b() {
        return CausalTrace.builder(gpt).setPrompt(PROMPT).setSubject(SUBJECT).optSamples(4).optNoise(Noise.fixed(1.5));
    }

    @Test
    void restoringTheLastTokensFinalStateGivesTheCleanScore() {
        TraceResult r = b().build().run();
        assertEquals(6, r.positions().length);
        assertEquals(4, r.layers());
        assertEquals(r.highScore(), r.score(5, 3), 1e-6);
        assertTrue(r.lowScore() != r.highScore());
        // the state after the last block at a token other than the last reaches the output only through
        // later blocks, and there are none: restoring it changes nothing
        assertEquals(r.lowScore(), r.score(2, 3), 1e-6);
    }

    @Test
    void lastSubjectTokenRangeIsOneRowOfTheFullTrace() {
        TraceResult all = b().optKind(Kind.MLP).optWindow(3).build().run();
        TraceResult last = b().optKind(Kind.MLP).optWindow(3).optTokenRange(CausalTrace.TokenRange.LAST_SUBJECT).build().run();
        assertArrayEquals(new int[] {1}, last.positions());
        for (int l = 0; l < 4; l++) assertEquals(all.score(1, l), last.score(0, l), 1e-6);
    }

    @Test
    void seededNoiseIsReproducible() {
        TraceResult a = b().optTokenRange(CausalTrace.TokenRange.LAST_SUBJECT).build().run();
        TraceResult c = b().optTokenRange(CausalTrace.TokenRange.LAST_SUBJECT).build().run();
        TraceResult d = b().optTokenRange(CausalTrace.TokenRange.LAST_SUBJECT).optNoise(Noise.fixed(1.5).withSeed(7)).build().run();
        assertEquals(a.lowScore(), c.lowScore(), 0);
        assertArrayEquals(a.scores()[0], c.scores()[0], 0);
        assertNotEquals(a.lowScore(), d.lowScore());
    }

    @Test
    void frozenPathsMatchTheOriginalTwoPassSchedule() {
        FrozenResult fast = b().build().runFrozen();
        FrozenResult slow = b().optSchedule(CausalTrace.Schedule.NAIVE).build().runFrozen();
        TraceResult plain = b().build().run();
        for (int l = 0; l < 4; l++) {
            assertEquals(slow.plain()[l], fast.plain()[l], 1e-6, "plain " + l);
            assertEquals(slow.attnSevered()[l], fast.attnSevered()[l], 1e-6, "attn severed " + l);
            assertEquals(slow.mlpSevered()[l], fast.mlpSevered()[l], 1e-6, "mlp severed " + l);
            assertEquals(plain.score(1, l), fast.plain()[l], 1e-6, "plain = resid trace at the last subject token");
        }
        // at the last layer nothing is left to sever
        assertEquals(fast.plain()[3], fast.mlpSevered()[3], 1e-6);
        // below it, pinning the MLP changes the outcome
        assertNotEquals(fast.plain()[0], fast.mlpSevered()[0], 1e-6);
        assertEquals(12, fast.table().rowCount());
        assertEquals(3, fast.figure().toObjectNode().get("data").size());
        // a whole frozen grid through the builder
        TraceResult grid = b().optFrozen(Kind.MLP).build().run();
        for (int l = 0; l < 4; l++) assertEquals(fast.mlpSevered()[l], grid.score(1, l), 1e-6);
    }

    @Test
    void oneCellPerForwardSkipsThePrefixAndStillMatchesTheOriginalSchedule() {
        // optMaxRows(samples): every chunk is one cell, run from its restored token on with the
        // corrupted run's keys and values for the tokens before it
        for (Kind k : Kind.values()) {
            TraceResult fast = b().optKind(k).optWindow(3).optMaxRows(4).build().run();
            TraceResult slow = b().optKind(k).optWindow(3).optSchedule(CausalTrace.Schedule.NAIVE).build().run();
            TraceResult merged = b().optKind(k).optWindow(3).build().run();
            for (int t = 0; t < 6; t++) {
                for (int l = 0; l < 4; l++) {
                    assertEquals(slow.score(t, l), fast.score(t, l), 1e-6, k + " [" + t + "][" + l + "]");
                    assertEquals(merged.score(t, l), fast.score(t, l), 1e-6, k + " [" + t + "][" + l + "]");
                }
            }
        }
        FrozenResult one = b().optMaxRows(4).build().runFrozen();
        FrozenResult slow = b().optSchedule(CausalTrace.Schedule.NAIVE).build().runFrozen();
        for (int l = 0; l < 4; l++) {
            assertEquals(slow.mlpSevered()[l], one.mlpSevered()[l], 1e-6);
            assertEquals(slow.attnSevered()[l], one.attnSevered()[l], 1e-6);
        }
    }

    @Test
    void badInputNamesTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CausalTrace.builder(gpt).setPrompt(PROMPT).setSubject("Larry Bird").build().run());
        assertTrue(e.getMessage().contains("Michael| Jordan| plays| the| sport| of"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CausalTrace.builder(gpt).setPrompt("").setSubject("x").build());
        assertThrows(IllegalArgumentException.class, () -> b().optWindow(0).build());
        assertThrows(IllegalArgumentException.class, () -> b().optSamples(0).build());
        assertThrows(IllegalArgumentException.class, () -> b().optKind(Kind.MLP).optFrozen(Kind.ATTN).build());
        e = assertThrows(IllegalArgumentException.class,
                () -> b().optNoise(Noise.fixed(1).withDraws(new long[] {4, 3, 64}, new double[4 * 3 * 64])).build().run());
        assertTrue(e.getMessage().contains("[4, 2, 64]"), e.getMessage());
    }

    @Test
    void cancellationStopsBetweenForwards() {
        CancellationToken t = new CancellationToken();
        t.cancel();
        CancellationException e = assertThrows(CancellationException.class, () -> b().optCancellation(t).build().run());
        assertTrue(e.getMessage().contains("cancelled"));
    }

    @Test
    void manyTracesDoNotGrowNativeMemory() {
        // every array of a trace lives in a scope closed with it: the model's manager ends as it started
        int before = countArrays();
        for (int i = 0; i < 3; i++) b().optTokenRange(CausalTrace.TokenRange.LAST_SUBJECT).build().run();
        assertEquals(before, countArrays());
    }

    private static int countArrays() {
        return gpt.parameters().manager().getManagedArrays().size();
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
