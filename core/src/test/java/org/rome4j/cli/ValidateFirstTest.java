package org.rome4j.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every input is checked before the model loads or key statistics are computed: on an empty statistics folder, a
 * wrong input of {@code edit} or {@code eval} fails in one line and nothing is computed or written there (the
 * embedded model would otherwise compute its statistics first, minutes for a large model, and only then fail).
 */
class ValidateFirstTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"eval --dataset MISSING", "eval --tfidf-vocab MISSING --idf MISSING --snippets MISSING",
        "eval --format zsre --dataset MISSING", "edit --save-model FILE/model", "edit --save-delta FOLDER",
        "edit --stats-dir FILE", "edit --target Zzyzx1234"})
    void aWrongInputFailsBeforeAnyStatistics(String args) throws IOException {
        Path stats = tmp.resolve("stats");      // empty: tiny-facts computes its statistics when they are missing
        Path file = Files.writeString(tmp.resolve("a-file.txt"), "not a folder\n");
        Path folder = Files.createDirectories(tmp.resolve("a-folder"));
        List<String> argv = new ArrayList<>();
        for (String a : args.split(" ")) {
            argv.add(a.replace("MISSING", tmp.resolve("no-such.json").toString()).replace("FILE", file.toString())
                    .replace("FOLDER", folder.toString()));
        }
        String command = argv.get(0);
        if (command.equals("edit")) {
            argv.addAll(List.of("--prompt", "{} plays the sport of", "--subject", "Megan Rapinoe"));
            if (!args.contains("--target")) argv.addAll(List.of("--target", "basketball"));
        } else {
            argv.addAll(List.of("--out", tmp.resolve("out").toString(), "--limit", "1"));
        }
        if (!args.contains("--stats-dir")) argv.addAll(List.of("--stats-dir", stats.toString()));
        CliRun r = CliRun.of(argv.toArray(String[]::new));
        String err = r.err().strip();
        assertEquals(2, r.status(), args + " -> " + r.err());
        // one error line (an unknown target's words are also named in a "note:" line, as UnknownWordsCliTest expects)
        assertEquals(1, err.lines().filter(l -> !l.startsWith("note:")).count(), args + " -> " + r.err());
        assertFalse(err.contains("key statistics for layer"), args + ": computed statistics before failing: " + err);
        assertTrue(!Files.exists(stats) || isEmpty(stats), args + ": wrote into the statistics folder");
        assertFalse(Files.exists(tmp.resolve("out")), args + ": created the output folder");
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.noneMatch(Files::isRegularFile);
        }
    }
}
