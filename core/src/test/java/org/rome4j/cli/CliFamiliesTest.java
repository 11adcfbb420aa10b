package org.rome4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rome4j.Shared;
import org.rome4j.io.Npy;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** logits, generate, trace, stats, edit and eval on a folder of each family; --dtype; one-line refusals (exit 2). */
class CliFamiliesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode ok(CliRun r) throws Exception {
        assertEquals(0, r.status(), r.err());
        return JSON.readTree(r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gptj", "gpt_neox", "llama"})
    void everyCommandOnTheFamily(String family, @TempDir Path tmp) throws Exception {
        Path dir = Shared.arch(family);
        String model = dir.toString();
        JsonNode logits = ok(CliRun.of("logits", "--model", model, "--prompt", "Michael Jordan plays the sport of", "--json"));
        float[] golden = Npy.read(dir.resolve("forward/p1_logits_last_f64.npy")).floats();
        for (int i = 0; i < golden.length; i += 97) {
            assertEquals(golden[i], logits.get("last_logits").get(i).floatValue(), 1e-4, family + " logit " + i);
        }
        JsonNode gen = ok(CliRun.of("generate", "--model", model, "--prompt", "Apple was founded by", "--max-new-tokens", "3",
                "--json"));
        assertEquals(3, gen.get("new_token_ids").size());
        JsonNode trace = ok(CliRun.of("trace", "--model", model, "--prompt", "The Space Needle is located in the city of",
                "--subject", "The Space Needle", "--kind", "mlp", "--samples", "3", "--json"));
        assertTrue(trace.toString().contains("scores"), trace.toString());

        Path rome = dir.resolve("rome");
        Path gpt2 = Shared.tinyGpt2().resolve("rome");
        Path stats = tmp.resolve("stats.npz");
        ok(CliRun.of("stats", "--model", model, "--layer", "1", "--corpus", gpt2.resolve("corpus.txt").toString(), "--out",
                stats.toString(), "--json"));
        JsonNode edit = ok(CliRun.of("edit", "--model", model, "--prompt", "{} plays the sport of", "--subject", "Michael Jordan",
                "--target", "football", "--hparams", rome.resolve("hparams.json").toString(), "--stats", stats.toString(),
                "--templates", gpt2.resolve("context_templates.json").toString(), "--json"));
        JsonNode want = JSON.readTree(rome.resolve("rome.json").toFile()).get("target_prob");
        assertEquals(Math.log(want.get("pre").asDouble()), Math.log(edit.get("pre").get("target_prob").asDouble()), 1e-3);
        assertEquals(Math.log(want.get("post").asDouble()), Math.log(edit.get("post").get("target_prob").asDouble()), 1e-2,
                family + ": the CLI edit with statistics from the CLI reproduces the original's post-edit probability");
        JsonNode eval = ok(CliRun.of("eval", "--model", model, "--dataset", "known_1000", "--limit", "1", "--out",
                tmp.resolve("eval").toString(), "--hparams", rome.resolve("hparams.json").toString(), "--stats", stats.toString(),
                "--templates", gpt2.resolve("context_templates.json").toString(), "--gen-tokens", "0", "--json"));
        assertTrue(eval.size() > 0, eval.toString());
    }

    @Test
    void dtypeBf16GivesTheBf16CheckpointsLogitsAndBadValuesAreOneLine(@TempDir Path tmp) throws Exception {
        Path dir = Shared.arch("llama");
        // the float32 file rounded to bf16 at load is the golden's bf16 model
        JsonNode j = ok(CliRun.of("logits", "--model", dir.toString(), "--dtype", "bf16", "--prompt",
                "Michael Jordan plays the sport of", "--json"));
        float[] golden = Npy.read(dir.resolve("forward/bf16_p1_logits_last.npy")).floats();
        double worst = 0;
        for (int i = 0; i < golden.length; i++) worst = Math.max(worst, Math.abs(golden[i] - j.get("last_logits").get(i).floatValue()));
        assertTrue(worst < 1e-4, "bf16 logits " + worst);
        CliRun bad = CliRun.of("logits", "--model", dir.toString(), "--dtype", "f8", "--prompt", "x");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("unknown dtype \"f8\": use f32, bf16 or f16"), bad.err());
        assertEquals(1, bad.err().strip().lines().count());
        Path falcon = Files.createDirectories(tmp.resolve("falcon"));
        Files.writeString(falcon.resolve("config.json"), "{\"model_type\": \"falcon\"}");
        CliRun unsupported = CliRun.of("logits", "--model", falcon.toString(), "--prompt", "x");
        assertEquals(2, unsupported.status());
        assertTrue(unsupported.err().contains("model_type \"falcon\" is not supported: supported model types are gpt2, gptj, "
                + "gpt_neox, llama, mistral, qwen2"), unsupported.err());
        assertEquals(1, unsupported.err().strip().lines().count());
    }
}
