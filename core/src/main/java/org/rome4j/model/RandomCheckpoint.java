package org.rome4j.model;

import org.rome4j.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Writes a randomly initialised GPT-2 checkpoint in HF layout (GPT-2's init: normal(0, 0.02) weights,
 * zero biases, unit LayerNorm gains), for benchmarks and memory checks at real sizes without a download.
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() { }

    /** GPT-2 small's shape: 12 layers, width 768, 12 heads, 1024 positions, 50257 tokens. */
    public static GptConfig gpt2Small() {
        return GptConfig.gpt2(12, 768, 12, 1024, 50257);
    }

    /**
     * Writes {@code config.json}, {@code model.safetensors} and the tokenizer files of {@code tokenizerDir}
     * (which must match the vocabulary size) into {@code dir}.
     */
    public static Path write(Path dir, GptConfig cfg, long seed, Path tokenizerDir) throws IOException {
        Files.createDirectories(dir);
        // SplittableRandom's Gaussian (ziggurat) is several times faster than Random's: 1.5 G draws for GPT-2 XL
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, long[]> shapes = new TreeMap<>();
        for (ParamSpec spec : Gpt.parameterSpecs(cfg)) shapes.put(spec.name(), spec.shape());
        // one tensor in memory at a time, drawn in name order (the order they are written)
        SafeTensors.write(dir.resolve("model.safetensors"), shapes, name -> {
            long n = 1;
            for (long d : shapes.get(name)) n *= d;
            float[] data = new float[Math.toIntExact(n)];
            if (name.contains("ln_") && name.endsWith(".weight")) {
                java.util.Arrays.fill(data, 1f);
            } else if (name.endsWith(".weight")) {
                for (int i = 0; i < data.length; i++) data[i] = (float) (rng.nextGaussian() * 0.02);
            }
            return data;
        });
        new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("config.json").toFile(), cfg.toJson());
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            if (Files.isRegularFile(tokenizerDir.resolve(f))) {
                Files.copy(tokenizerDir.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }
}
