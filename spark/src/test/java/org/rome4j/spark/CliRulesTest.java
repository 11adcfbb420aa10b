package org.rome4j.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark jobs take the CLI's options, defaults and file rules, and answer a finished run without Spark. */
class CliRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void foreignFoldersAndMissingModelsAreRefusedBeforeSparkStarts(@TempDir Path tmp) throws Exception {
        Path foreign = tmp.resolve("notes");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("todo.txt"), "mine");
        LocalSpark.Run r = LocalSpark.run("trace-dataset", "--model", "tiny-facts", "--limit", "2", "--out", foreign.toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("is not empty") && r.err().strip().lines().count() == 1, r.err());
        assertEquals(1, Files.list(foreign).count(), "nothing written into a folder that is not a run's");

        // a relative model folder that is not there: one line naming the absolute path, no hub download hint
        LocalSpark.Run m = LocalSpark.run("eval", "--model", "./models/gpt2-nowhere", "--out", tmp.resolve("e").toString());
        assertEquals(2, m.status(), m.err());
        assertTrue(m.err().contains(Path.of("").toAbsolutePath().toString()) && m.err().contains("gpt2-nowhere")
                && !m.err().contains("huggingface"), m.err());
        assertEquals(1, m.err().strip().lines().count(), m.err());

        // the CLI's own messages: a typo names the option it meant
        LocalSpark.Run t = LocalSpark.run("stats", "--sampels", "3", "--layer", "1", "--corpus", "a.txt");
        assertEquals(2, t.status());
        assertTrue(t.err().contains("did you mean --samples?"), t.err());
        assertTrue(!Files.exists(tmp.resolve("e")));
    }

    @Test
    void aFinishedRunIsAnsweredWithoutSparkAndTheSameKeyOrder(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("trace");
        String[] args = {"trace-dataset", "--model", "tiny-facts", "--limit", "3", "--samples", "2", "--out", out.toString(), "--json"};
        LocalSpark.Run first = LocalSpark.run(args);
        assertEquals(0, first.status(), first.err());
        String aggregate = Files.readString(out.resolve("aggregate.json"));
        assertTrue(aggregate.matches("(?s).*\"peak\" : \\{\\s*\"role\" : [^,]+,\\s*\"layer\" : [^,]+,\\s*\"indirect_effect\".*"), aggregate);
        assertTrue(aggregate.matches("(?s).*\\{\\s*\"n\" : \\d+,\\s*\"mean_indirect_effect\".*"), aggregate);

        // no session given: one would be started if the job had work
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = SparkMain.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        String err = e.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, err);
        assertTrue(err.contains("nothing to do"), err);
        assertFalse(err.contains("Spark 4") || err.contains("started in"), err);
        assertEquals(JSON.readTree(first.out()), JSON.readTree(o.toString(StandardCharsets.UTF_8)));
        assertEquals(aggregate, Files.readString(out.resolve("aggregate.json")), "untouched");

        // other settings are a new run: not answered from the old one
        LocalSpark.Run more = LocalSpark.run("trace-dataset", "--model", "tiny-facts", "--limit", "4", "--samples", "2", "--out", out.toString(), "--json");
        assertEquals(0, more.status(), more.err());
        assertTrue(more.err().contains("1 facts to do, 3 already written"), more.err());
    }

    @Test
    void evalDefaultsToKnown1000AsTheCli(@TempDir Path tmp) throws Exception {
        Path hp = EvalJobTest.shortPreset(tmp, 2, false);
        LocalSpark.Run r = LocalSpark.run("eval", "--model", "tiny-facts", "--limit", "2", "--gen-tokens", "0", "--hparams", hp.toString(),
                "--out", tmp.resolve("e").toString(), "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(2, JSON.readTree(r.out()).get("cases").asInt());
    }
}
