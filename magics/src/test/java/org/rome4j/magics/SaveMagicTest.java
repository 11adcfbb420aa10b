package org.rome4j.magics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.model.Models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code %rome_save}: never onto the source, never over a folder without --overwrite, the source's config keys kept. */
class SaveMagicTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void refusesTheSourceKeepsConfigKeysAndNeedsOverwrite(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        Path embedded = Models.resolve("tiny-facts");
        try (Stream<Path> s = Files.list(embedded)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) Files.copy(f, src.resolve(f.getFileName()));
        }
        ObjectNode cfg = (ObjectNode) JSON.readTree(src.resolve("config.json").toFile());
        cfg.put("bos_token_id", 7).put("summary_type", "cls_index").put("attn_pdrop", 0.1).put("my_key", "kept");
        JSON.writeValue(src.resolve("config.json").toFile(), cfg);
        byte[] srcConfig = Files.readAllBytes(src.resolve("config.json"));
        byte[] srcWeights = Files.readAllBytes(src.resolve("model.safetensors"));

        Session s = Session.global();
        s.setModel(Models.load(src.toString()), src.toString());
        RomeMagics.SaveMagic save = new RomeMagics.SaveMagic();
        // no edits, the source folder itself, and a folder inside it: refused, nothing changed
        for (String target : new String[] {src.toString(), src + "/", src.resolve("sub").toString(), tmp.toString()}) {
            for (String extra : new String[] {"", " --overwrite"}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> save.call(s, ShellWords.split(target + extra), null), target + extra);
                assertTrue(e.getMessage().contains("loaded from"), e.getMessage());
            }
        }
        assertArrayEquals(srcConfig, Files.readAllBytes(src.resolve("config.json")));
        assertArrayEquals(srcWeights, Files.readAllBytes(src.resolve("model.safetensors")));
        assertFalse(Files.exists(src.resolve("sub")));

        Path out = tmp.resolve("out");
        save.call(s, ShellWords.split(out.toString()), null);
        ObjectNode saved = (ObjectNode) JSON.readTree(out.resolve("config.json").toFile());
        for (String k : new String[] {"bos_token_id", "summary_type", "attn_pdrop", "my_key", "n_layer", "vocab_size"}) {
            assertEquals(cfg.get(k), saved.get(k), k);
        }
        long before = Files.getLastModifiedTime(out.resolve("model.safetensors")).toMillis();
        IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
                () -> save.call(s, ShellWords.split(out.toString()), null));
        assertTrue(exists.getMessage().contains("--overwrite"), exists.getMessage());
        Files.writeString(out.resolve("stale.txt"), "from the old folder");
        save.call(s, ShellWords.split(out + " --overwrite"), null);
        assertFalse(Files.exists(out.resolve("stale.txt")), "the folder is replaced, not merged");
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(java.util.List.of("out", "src"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary folder left behind");
        }
        // a non-empty folder that is not a model is never replaced
        Path notModel = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(notModel.resolve("a.txt"), "mine");
        assertThrows(IllegalArgumentException.class, () -> save.call(s, ShellWords.split(notModel + " --overwrite"), null));
        assertEquals("mine", Files.readString(notModel.resolve("a.txt")));
        assertTrue(before > 0);
    }
}
