package org.rome4j.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resolving what a user types: embedded names, directories, HF cache snapshots. */
class ModelsTest {

    @Test
    void hubCacheFollowsRefsMainAndBareGpt2Names(@TempDir Path root) throws Exception {
        Path repo = root.resolve("models--openai-community--gpt2-xl");
        Path old = Files.createDirectories(repo.resolve("snapshots/aaa"));
        Path cur = Files.createDirectories(repo.resolve("snapshots/bbb"));
        Files.writeString(old.resolve("config.json"), "{}");
        Files.writeString(cur.resolve("config.json"), "{}");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), "bbb\n");
        assertEquals(cur, Models.hubCache("gpt2-xl", root).orElseThrow());
        assertEquals(cur, Models.hubCache("openai-community/gpt2-xl", root).orElseThrow());
        assertTrue(Models.hubCache("EleutherAI/gpt-j-6B", root).isEmpty());
    }

    /** A tampered refs/main that climbs out of snapshots/ is not followed. */
    @Test
    void hubCacheNeverFollowsRefsMainOutOfSnapshots(@TempDir Path root) throws Exception {
        Path repo = root.resolve("models--org--m");
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("config.json"), "{}");
        Files.createDirectories(repo.resolve("snapshots"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), "../../outside\n");
        assertTrue(Models.hubCache("org/m", root).isEmpty());
    }

    @Test
    void embeddedModelIsExtractedOnceAndLoads() {
        Path a = Models.resolve(Models.DEFAULT);
        Path b = Models.resolve(Models.DEFAULT);
        assertEquals(a, b);
        assertTrue(Files.isRegularFile(a.resolve("model.safetensors")));
        try (Gpt gpt = Models.load(Models.DEFAULT)) {
            assertEquals("tiny-facts", gpt.name());
        }
    }

    @Test
    void unknownNamesSayHowToDownload(@TempDir Path tmp) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Models.resolve("some-org/not-here"));
        assertTrue(e.getMessage().contains("rome4j download some-org/not-here"), e.getMessage());
        e = assertThrows(ModelLoadException.class, () -> Models.resolve(tmp.resolve("x/y").toString()));
        assertTrue(e.getMessage().startsWith("model directory not found"), e.getMessage());
    }
}
