package org.rome4j.magics;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.magics.display.Bundles;
import org.rome4j.magics.display.MimeBundle;
import org.rome4j.model.Models;
import org.rome4j.trace.Kind;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code %trace_dataset} on the smallest inputs a newcomer tries first ({@code --limit 1}, {@code --limit 2}): one
 * fact's confidence band is NaN, which the kernel's JSON writer refused with a 30-line stack trace. On the embedded
 * tiny-biographies model (it knows its own facts, so they are traced).
 */
class DatasetTraceDisplayTest {
    private static Session session;

    @BeforeAll
    static void load() {
        session = Session.global();
        session.setModel(Models.load("tiny-biographies"));
    }

    @AfterAll
    static void close() {
        if (session != null) session.close();
    }

    /** Every number a front end receives is finite (JSON has no NaN). */
    private static void assertFinite(Object v, String where) {
        if (v instanceof Double d) assertTrue(Double.isFinite(d), "non-finite number at " + where);
        if (v instanceof Map<?, ?> m) m.forEach((k, x) -> assertFinite(x, where + "." + k));
        if (v instanceof List<?> l) for (int i = 0; i < l.size(); i++) assertFinite(l.get(i), where + "[" + i + "]");
    }

    @Test
    void oneOrTwoFactsShowWithoutNaN(@TempDir Path tmp) throws Exception {
        for (int limit : new int[] {1, 2}) {
            DatasetTraceResult d = (DatasetTraceResult) new TraceDatasetMagic().call(session, List.of("--limit",
                    String.valueOf(limit), "--samples", "2", "--cache", tmp.resolve("c" + limit).toString()), null);
            assertEquals(limit, d.result().facts());
            assertTrue(d.result().traced() >= 1, "the model knows its first facts: " + d.summary());
            List<MimeBundle> shown = new ArrayList<>(new Bundles().render(d));
            for (Kind k : List.of(Kind.RESID, Kind.MLP, Kind.ATTN)) shown.addAll(new Bundles().render(d.lines(k)));
            for (MimeBundle b : shown) b.data().forEach((mime, data) -> assertFinite(data, limit + " facts, " + mime));
        }
    }

    @Test
    void aSummaryWithNothingTracedSaysSo(@TempDir Path tmp) throws Exception {
        Path facts = tmp.resolve("facts.json");
        java.nio.file.Files.writeString(facts, """
                [{"known_id": 0, "subject": "Zzyzx Qwerty", "attribute": "nowhere", "template": "{} was born in",
                  "prediction": " nowhere", "prompt": "Zzyzx Qwerty was born in", "relation_id": "P19"}]""");
        DatasetTraceResult d = (DatasetTraceResult) new TraceDatasetMagic().call(session, List.of("--facts", facts.toString(),
                "--samples", "2", "--cache", tmp.resolve("c").toString()), null);
        assertEquals(0, d.result().traced(), "the model does not predict a made-up fact");
        assertTrue(!d.summary().contains("NaN") && d.summary().startsWith("0 of 1 facts traced: "), d.summary());
        for (MimeBundle b : new Bundles().render(d)) b.data().forEach((mime, data) -> assertFinite(data, mime));
    }

    @Test
    void traceShowsProgressWithTheTimeLeft() throws Exception {
        List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> done = new java.util.concurrent.CopyOnWriteArrayList<>();
        session.setProgressSink((label, total) -> {
            notes.add(label + " /" + total);
            return new Progress() {
                @Override
                public void update(long d, String note) {
                    done.add(d);
                    notes.add(String.valueOf(note));
                }

                @Override
                public void close() { }
            };
        });
        try {
            new TraceMagic().call(session, ShellWords.split("\"Felix Mae Novak was born in\" --subject \"Felix Mae Novak\" --samples 2"), null);
        } finally {
            session.setProgressSink(null);
        }
        assertTrue(notes.get(0).startsWith("tracing 3 kinds, 2 samples /" + TimedProgress.UNITS), notes.get(0));
        assertEquals(TimedProgress.UNITS, done.get(done.size() - 1), "the bar ends full");
        assertTrue(done.size() > 2, "updated as the cells are restored, not only at the end: " + done);
        for (int i = 1; i < done.size(); i++) assertTrue(done.get(i) >= done.get(i - 1), "never goes back: " + done);
        assertTrue(notes.stream().anyMatch(n -> n.matches("\\d+:\\d\\d:\\d\\d left")), "time left shown: " + notes);
    }

    @Test
    void loadModelShowsOneLineAndKeepsTheChartOnRequest() throws Exception {
        ModelInfo info = (ModelInfo) new LoadModelMagic().call(session, List.of("tiny-biographies"), null);
        List<MimeBundle> shown = new Bundles().render(info);
        assertEquals(1, shown.size(), "no chart, no table: one line");
        String text = shown.get(0).plain();
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.matches("loaded tiny-biographies \\(gpt2, 10 layers, width 128, 2,024,576 parameters, f32\\) in \\d+ ms"), text);
        assertEquals(info.parameterCount(), info.parts().longColumn("parameters").sum(), 0.0);
        assertTrue(new Bundles().render(info.figure()).get(0).data().containsKey(MimeBundle.PLOTLY), "the chart on request");
    }
}
