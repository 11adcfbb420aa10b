package org.rome4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.io.SafeTensors;
import org.rome4j.model.GptConfig;
import org.rome4j.model.ParamSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny Llama checkpoint with a tokenizer built like Llama 2's: a {@code <s>} BOS added by the
 * post-processor template, a normalizer that prepends {@code ▁} and turns spaces into {@code ▁}, and
 * {@code ▁}-prefixed pieces (a Unigram model here), so {@code " football"} alone encodes as
 * {@code ▁ ▁football} but after a prompt as {@code ▁football}.
 */
public final class SentencePieceFixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Whole-word pieces; every other text falls back to single characters. */
    public static final List<String> WORDS = List.of("Michael", "Jordan", "plays", "the", "sport", "of", "football",
            "basketball", "The", "Space", "Need", "is", "located", "in", "city", "Seattle", "Apple", "was", "founded", "by",
            "Bill", "Gates", "Steve", "Jobs", "a", "Paris", "Rome", "Tower", "Eiffel");

    private SentencePieceFixture() { }

    /** Writes the folder; {@code addBosToken} null leaves tokenizer_config.json out (the template decides). */
    public static Path write(Path dir, Boolean addBosToken) throws IOException {
        Files.createDirectories(dir);
        List<String> vocab = new ArrayList<>(List.of("<unk>", "<s>", "</s>", "▁"));
        for (String w : WORDS) vocab.add("▁" + w);
        vocab.add("le");
        for (char c = 'a'; c <= 'z'; c++) vocab.add(String.valueOf(c));
        for (char c = 'A'; c <= 'Z'; c++) vocab.add(String.valueOf(c));
        for (String p : List.of(".", ",", "?", "'", ":", "-")) vocab.add(p);
        ObjectNode tok = JSON.createObjectNode();
        tok.put("version", "1.0");
        tok.putNull("truncation");
        tok.putNull("padding");
        ArrayNode added = tok.putArray("added_tokens");
        for (int i = 0; i < 3; i++) {
            added.addObject().put("id", i).put("content", vocab.get(i)).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode norm = tok.putObject("normalizer").put("type", "Sequence");
        norm.putArray("normalizers").add(JSON.createObjectNode().put("type", "Prepend").put("prepend", "▁"))
                .add(JSON.createObjectNode().put("type", "Replace").<ObjectNode>set("pattern",
                        JSON.createObjectNode().put("String", " ")).put("content", "▁"));
        tok.putNull("pre_tokenizer");
        ObjectNode post = tok.putObject("post_processor").put("type", "TemplateProcessing");
        post.putArray("single").add(special("<s>")).add(sequence("A"));
        post.putArray("pair").add(special("<s>")).add(sequence("A")).add(special("<s>")).add(sequence("B"));
        ObjectNode bos = post.putObject("special_tokens").putObject("<s>").put("id", "<s>");
        bos.putArray("ids").add(1);
        bos.putArray("tokens").add("<s>");
        ObjectNode dec = tok.putObject("decoder").put("type", "Sequence");
        dec.putArray("decoders")
                .add(JSON.createObjectNode().put("type", "Replace").<ObjectNode>set("pattern",
                        JSON.createObjectNode().put("String", "▁")).put("content", " "))
                .add(JSON.createObjectNode().put("type", "Fuse"))
                .add(JSON.createObjectNode().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0));
        ObjectNode model = tok.putObject("model").put("type", "Unigram").put("unk_id", 0).put("byte_fallback", false);
        ArrayNode v = model.putArray("vocab");
        for (String p : vocab) {
            double score = p.startsWith("<") ? 0 : p.length() > 2 || p.equals("le") ? -5 : -10;
            v.addArray().add(p).add(score);
        }
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tok);
        if (addBosToken != null) {
            JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), JSON.createObjectNode()
                    .put("add_bos_token", addBosToken).put("add_eos_token", false).put("bos_token", "<s>")
                    .put("eos_token", "</s>").put("tokenizer_class", "LlamaTokenizer"));
        }
        writeLlama(dir, vocab.size());
        return dir;
    }

    private static ObjectNode special(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("SpecialToken").put("id", id).put("type_id", 0);
        return n;
    }

    private static ObjectNode sequence(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("Sequence").put("id", id).put("type_id", 0);
        return n;
    }

    /** A 2-layer Llama (GQA 4:2, width 32) with random weights over the vocabulary. */
    private static void writeLlama(Path dir, int vocab) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("model_type", "llama").put("hidden_size", 32).put("num_attention_heads", 4).put("num_key_value_heads", 2)
                .put("intermediate_size", 48).put("num_hidden_layers", 2).put("vocab_size", vocab)
                .put("max_position_embeddings", 64).put("rms_norm_eps", 1e-6).put("hidden_act", "silu")
                .put("bos_token_id", 1).put("eos_token_id", 2).put("tie_word_embeddings", false);
        n.putObject("rope_parameters").put("rope_type", "default").put("rope_theta", 10000.0);
        JSON.writeValue(dir.resolve("config.json").toFile(), n);
        GptConfig c = GptConfig.fromJson(n);
        Random rnd = new Random(11);
        Map<String, SafeTensors.Tensor> file = new HashMap<>();
        for (ParamSpec p : c.architecture().parameters(c)) {
            long size = 1;
            for (long s : p.shape()) size *= s;
            long cols = p.shape()[p.shape().length - 1];
            float[] data = new float[(int) size];
            for (int i = 0; i < data.length; i++) {
                double g = rnd.nextGaussian();
                data[i] = (float) (p.name().contains("norm") ? 1 + 0.1 * g : 1.5 * g / Math.sqrt(cols));
            }
            file.put(p.name(), new SafeTensors.Tensor(p.shape(), data));
        }
        SafeTensors.write(dir.resolve("model.safetensors"), file);
    }
}
