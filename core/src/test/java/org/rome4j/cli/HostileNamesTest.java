package org.rome4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.model.Gpt;
import org.rome4j.model.ModelLoadException;
import org.rome4j.model.Models;
import org.rome4j.rome.RomeHparams;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names that become paths (a statistics data set name, hparams fields, a shard in an index) never reach outside
 * their folder: refused in one line before anything is read or written, and no message shows a refused file's bytes.
 */
class HostileNamesTest {
    @TempDir
    Path tmp;

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void statisticsNamesStayInsideTheStatisticsFolder() throws Exception {
        Path corpus = Files.writeString(tmp.resolve("corpus.txt"), "Megan Rapinoe plays soccer.\nParis is in France.\n");
        Path stats = tmp.resolve("inside/stats");
        for (String dataset : List.of(tmp.resolve("abs").toString(), "../../escape", "..")) {
            CliRun r = CliRun.of("stats", "--layer", "0", "--corpus", corpus.toString(), "--dataset", dataset,
                    "--stats-dir", stats.toString());
            assertEquals(2, r.status(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("cannot name a file"), r.err());
        }
        RomeHparams base = RomeHparams.preset("tiny-facts");
        for (String[] field : new String[][] {{"mom2_dataset", "../../../escape"}, {"rewrite_module_tmp", "../../x.{}"}}) {
            Path h = Files.writeString(tmp.resolve("h-" + field[0] + ".json"), base.toJson().put(field[0], field[1]).toString());
            CliRun r = CliRun.of("edit", "--prompt", "{} plays the sport of", "--subject", "Megan Rapinoe", "--target", "basketball",
                    "--hparams", h.toString(), "--stats-dir", stats.toString());
            assertEquals(2, r.status(), field[0] + ": " + r.err());
            assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("note:")).count(), r.err());
        }
        assertEquals(List.of("corpus.txt", "h-mom2_dataset.json", "h-rewrite_module_tmp.json"),
                files().stream().map(p -> p.getFileName().toString()).sorted().toList(), "nothing written");
    }

    @Test
    void aShardIndexCannotPointOutsideTheModelAndRefusedBytesAreNotShown() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "TOP-SECRET password=hunter2\n");
        Path model = Files.createDirectories(tmp.resolve("model"));
        Path embedded = Models.resolve("tiny-facts");
        for (String f : List.of("config.json", "tokenizer.json")) Files.copy(embedded.resolve(f), model.resolve(f));
        for (String shard : List.of("../secret.txt", secret.toString())) {
            Files.writeString(model.resolve("model.safetensors.index.json"),
                    "{\"weight_map\": {\"transformer.wte.weight\": \"" + shard.replace("\\", "\\\\") + "\"}}");
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> Gpt.load(model).close());
            assertTrue(e.getMessage().contains("points outside"), e.getMessage());
        }
        // a file that is not safetensors: its first 8 bytes (read as a header length) are not printed
        Files.delete(model.resolve("model.safetensors.index.json"));
        Files.copy(secret, model.resolve("model.safetensors"));
        long asLength = ByteBuffer.wrap(Files.readAllBytes(secret), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        RuntimeException e = assertThrows(RuntimeException.class, () -> Gpt.load(model).close());
        assertFalse(e.getMessage().contains(Long.toString(asLength)) || e.getMessage().contains("TOP-SECRET"), e.getMessage());
        assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
    }
}
