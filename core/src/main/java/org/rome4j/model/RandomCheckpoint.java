package org.rome4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Writes a randomly initialised checkpoint in HF layout, for benchmarks, memory checks at real sizes and
 * notebooks without a download: GPT-2's init (normal(0, 0.02) weight matrices, zero biases, unit norm gains)
 * for any supported family ({@code gpt2}, {@code gptj}, {@code gpt_neox}, {@code llama}, {@code mistral},
 * {@code qwen2}).
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() { }

    /** GPT-2 small's shape: 12 layers, width 768, 12 heads, 1024 positions, 50257 tokens. */
    public static GptConfig gpt2Small() {
        return GptConfig.gpt2(12, 768, 12, 1024, 50257);
    }

    /**
     * The embedded model's folder, whose tokenizer ({@value Models#DEFAULT}'s word-level vocabulary) every
     * user has: pass it as {@code tokenizerDir} with a config whose {@code vocab_size} is {@link #embeddedVocabSize()}.
     */
    public static Path embeddedTokenizer() {
        return Models.resolve(Models.DEFAULT);
    }

    /** The vocabulary size of {@link #embeddedTokenizer()}. */
    public static int embeddedVocabSize() {
        try {
            return new ObjectMapper().readTree(embeddedTokenizer().resolve("config.json").toFile()).path("vocab_size").asInt();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code config.json}, {@code model.safetensors} and the tokenizer files of {@code tokenizerDir}
     * (which must match the vocabulary size) into {@code dir}.
     */
    public static Path write(Path dir, GptConfig cfg, long seed, Path tokenizerDir) throws IOException {
        return write(dir, cfg.toJson(), seed, tokenizerDir);
    }

    /**
     * Writes {@code config} as {@code config.json} (any supported family, as HF writes it), random weights of
     * the shapes it implies as {@code model.safetensors}, and the tokenizer files of {@code tokenizerDir} (which
     * must not hold ids beyond {@code vocab_size}) into {@code dir}. The same seed writes the same bytes.
     */
    public static Path write(Path dir, JsonNode config, long seed, Path tokenizerDir) throws IOException {
        GptConfig cfg = GptConfig.fromJson(config);
        Files.createDirectories(dir);
        // SplittableRandom's Gaussian (ziggurat) is several times faster than Random's: 1.5 G draws for GPT-2 XL
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, long[]> shapes = new TreeMap<>();
        for (ParamSpec spec : Gpt.parameterSpecs(cfg)) shapes.put(spec.name(), spec.shape());
        // one tensor in memory at a time, drawn in name order (the order they are written)
        SafeTensors.write(dir.resolve("model.safetensors"), shapes, name -> {
            long[] shape = shapes.get(name);
            long n = 1;
            for (long d : shape) n *= d;
            float[] data = new float[Math.toIntExact(n)];
            if (shape.length == 1 && name.endsWith(".weight")) {
                java.util.Arrays.fill(data, 1f);                    // a norm's gain (the only 1-D weights)
            } else if (name.endsWith(".weight")) {
                for (int i = 0; i < data.length; i++) data[i] = (float) (rng.nextGaussian() * 0.02);
            }
            return data;
        });
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            if (Files.isRegularFile(tokenizerDir.resolve(f))) {
                Files.copy(tokenizerDir.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }
}
