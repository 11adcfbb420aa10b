package org.rome4j.trace;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.data.KnownFact;
import org.rome4j.eval.FactRecall;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dataset averages on the tiny golden model. Its facts are made to be "known": the attribute of each
 * is the model's own greedy continuation, plus one fact it gets wrong.
 */
class DatasetTraceTest {
    static Gpt gpt;
    static List<KnownFact> facts;

    @BeforeAll
    static void load() {
        gpt = Gpt.load(Shared.tinyGpt2());
        String[][] ps = {{"The Space Needle is located in the city of", "The Space Needle"},
                {"Michael Jordan plays the sport of", "Michael Jordan"}, {"Apple was founded by", "Apple"}};
        List<KnownFact> draft = new ArrayList<>();
        for (int i = 0; i < ps.length; i++) draft.add(new KnownFact(i, ps[i][1], "x", "", "", ps[i][0], "P0"));
        List<KnownFact> out = new ArrayList<>();
        for (FactRecall.Check c : FactRecall.check(gpt, draft, 8).checks()) {
            KnownFact f = c.fact();
            out.add(new KnownFact(f.id(), f.subject(), c.predicted().strip(), "", "", f.prompt(), "P0"));
        }
        out.add(new KnownFact(3, "The Eiffel Tower", "zzzz-not-predicted", "", "", "The Eiffel Tower is in", "P0"));
        facts = List.copyOf(out);
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();   // null when @BeforeAll was skipped (no reference data)
    }

    DatasetTrace.Builder b(Path dir) {
        return DatasetTrace.builder(gpt).setFacts(facts).optSamples(3).optNoise(Noise.parse("s3")).optCacheDir(dir);
    }

    @Test
    void averagesResumeAndCancel(@TempDir Path dir) throws Exception {
        List<String> messages = new ArrayList<>();
        DatasetResult r = b(dir).optListener((done, total, msg) -> messages.add(done + "/" + total + " " + msg)).build().run();
        assertEquals(4, r.facts());
        assertEquals(3, r.traced());
        assertEquals(1, r.wrong().size());
        assertEquals(3, r.wrong().get(0).fact().id());
        assertTrue(messages.get(messages.size() - 1).startsWith("3/3 traced"), messages.toString());
        assertTrue(messages.get(messages.size() - 2).matches("2/3 traced .*, ETA \\d+s"), "an ETA while facts remain: " + messages);
        assertFalse(messages.get(messages.size() - 1).contains("ETA"), "none after the last: " + messages);
        for (int id = 0; id < 3; id++) assertTrue(Files.isRegularFile(dir.resolve("cases/" + id + ".json")));

        // the averages, recomputed by hand for one cell: last subject token, layer 1, MLP
        double sum = 0;
        for (TraceResult t : r.results(Kind.MLP)) sum += t.score(t.subjectRange()[1] - 1, 1) - t.lowScore();
        assertEquals(sum / 3, r.cell(Kind.MLP, TokenRole.LAST_SUBJECT, 1).meanEffect(), 1e-12);
        assertEquals(3, r.cell(Kind.MLP, TokenRole.LAST_SUBJECT, 1).n());
        // middle subject tokens: only the Space Needle has them (tokens 1 and 2)
        assertEquals(2, r.cell(Kind.RESID, TokenRole.MIDDLE_SUBJECT, 0).n());
        // "Apple" is a one-token subject at position 0: first = last subject token
        double mh = 0;
        double ml = 0;
        for (TraceResult t : r.results(Kind.RESID)) {
            mh += t.highScore() / 3;
            ml += t.lowScore() / 3;
        }
        assertEquals(mh - ml, r.totalEffect(), 1e-12);
        // restoring the last token's final state restores the clean output on every fact
        assertEquals(mh - ml, r.cell(Kind.RESID, TokenRole.LAST, 3).meanEffect(), 1e-6);
        DatasetResult.Cell peak = r.peak(Kind.RESID);
        for (TokenRole role : TokenRole.values()) {
            for (int l = 0; l < 4; l++) {
                DatasetResult.Cell c = r.cell(Kind.RESID, role, l);
                assertTrue(c.n() == 0 || c.meanEffect() <= peak.meanEffect(), role + " " + l);
            }
        }
        assertEquals(3 * 6 * 4, r.table().rowCount());
        assertEquals(3, r.summary().rowCount());
        assertEquals(1, r.wrongTable().rowCount());
        assertTrue(r.lines(Kind.ATTN).toJson().contains("tonexty"));
        assertTrue(r.heatmap(Kind.MLP).toJson().contains("Last subject token"));

        // a second run resumes from the cache: nothing traced again, same averages
        List<String> again = new ArrayList<>();
        DatasetResult r2 = b(dir).optListener((done, total, msg) -> again.add(msg)).build().run();
        assertTrue(again.stream().filter(m -> m.startsWith("traced")).findAny().isEmpty(), again.toString());
        assertTrue(again.stream().noneMatch(m -> m.contains("ETA")), "cached facts give no estimate: " + again);
        assertEquals(3, again.stream().filter(m -> m.startsWith("cached")).count());
        assertEquals(r.cell(Kind.ATTN, TokenRole.LAST, 2).meanEffect(), r2.cell(Kind.ATTN, TokenRole.LAST, 2).meanEffect(), 1e-15);

        // other settings in the same folder are refused
        assertThrows(IllegalArgumentException.class, () -> b(dir).optSamples(4).build().run());
    }

    @Test
    void cancellationKeepsWhatIsCached(@TempDir Path dir) throws Exception {
        CancellationToken cancel = new CancellationToken();
        CancellationException e = assertThrows(CancellationException.class, () -> b(dir).optCancellation(cancel)
                .optListener((done, total, msg) -> {
                    if (done == 1) cancel.cancel();
                }).build().run());
        assertTrue(e.getMessage().contains("resume"), e.getMessage());
        assertTrue(Files.isRegularFile(dir.resolve("cases/0.json")));
        assertTrue(!Files.exists(dir.resolve("cases/2.json")));
        List<String> msgs = new ArrayList<>();
        DatasetResult r = b(dir).optListener((done, total, msg) -> msgs.add(msg)).build().run();
        assertEquals(3, r.traced());
        assertTrue(msgs.stream().anyMatch(m -> m.startsWith("cached 0")), msgs.toString());
    }

    /** A fact that cannot be traced is a row of errors.csv, not the end of the run; another facts file or a repeated id is refused. */
    @Test
    void aBadFactIsAnErrorRowAndTheFolderKeepsItsFacts(@TempDir Path dir) throws Exception {
        KnownFact known = facts.get(0);
        KnownFact bad = new KnownFact(7, "Nobody at all", known.attribute(), "", "", known.prompt(), "P0");   // subject not in the prompt
        List<KnownFact> withBad = List.of(known, bad, facts.get(1));
        DatasetResult r = DatasetTrace.builder(gpt).setFacts(withBad).optSamples(3).optNoise(Noise.parse("s3")).optCacheDir(dir).build().run();
        assertEquals(2, r.traced());
        List<String> rows = Files.readAllLines(dir.resolve(DatasetTrace.ERRORS));
        assertEquals(2, rows.size(), rows.toString());
        assertEquals("idx,known_id,prompt,error", rows.get(0));
        assertTrue(rows.get(1).startsWith("1,7,"), rows.get(1));

        List<KnownFact> other = List.of(known, new KnownFact(7, "Nobody at all", "y", "", "", known.prompt(), "P0"), facts.get(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatasetTrace.builder(gpt).setFacts(other).optSamples(3).optNoise(Noise.parse("s3")).optCacheDir(dir).build().run());
        assertTrue(e.getMessage().contains("facts file") && e.getMessage().contains("another run"), e.getMessage());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> DatasetTrace.builder(gpt).setFacts(List.of(known, known)).build());
        assertTrue(dup.getMessage().contains("appears twice"), dup.getMessage());
    }
}
