package org.rome4j.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json values are checked by type and range before anything is allocated, with the bound in the message. */
class ConfigBoundsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode gpt2(String extra) throws Exception {
        ObjectNode n = (ObjectNode) JSON.readTree("{\"model_type\": \"gpt2\", \"n_layer\": 2, \"n_embd\": 64, \"n_head\": 4, "
                + "\"vocab_size\": 100, \"n_positions\": 32}");
        n.setAll((ObjectNode) JSON.readTree("{" + extra + "}"));
        return n;
    }

    private static ObjectNode llama(String extra) throws Exception {
        return (ObjectNode) JSON.readTree("{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_attention_heads\": 4, "
                + "\"num_hidden_layers\": 2, \"intermediate_size\": 128, \"vocab_size\": 100, " + extra + "}");
    }

    private static String refused(ObjectNode n) {
        return assertThrows(IllegalArgumentException.class, () -> GptConfig.fromJson(n)).getMessage();
    }

    @Test
    void sizesAreWholeNumbersWithinTheirBounds() throws Exception {
        assertEquals("config.json: n_layer must be a whole number, got 4.7", refused(gpt2("\"n_layer\": 4.7")));
        assertEquals("config.json: n_layer must be a whole number, got true", refused(gpt2("\"n_layer\": true")));
        assertEquals("config.json: n_embd must be a whole number, got \"64\"", refused(gpt2("\"n_embd\": \"64\"")));
        assertEquals("config.json: n_layer must be between 1 and 1024 (no published checkpoint has more), got 1.0E9",
                refused(gpt2("\"n_layer\": 1e9")));
        assertTrue(refused(gpt2("\"vocab_size\": 99999999999999999999999")).contains("between 1 and 4194304"));
        assertTrue(refused(gpt2("\"n_head\": 0")).contains("between 1 and 4096"));
        assertEquals(12, GptConfig.fromJson(gpt2("\"n_layer\": 12.0")).nLayer(), "12.0 is a whole number");
        assertEquals(1024, GptConfig.fromJson(gpt2("\"n_layer\": 1024")).nLayer(), "the bound itself is allowed");
    }

    @Test
    void realNumbersAndFlagsHaveTheirTypes() throws Exception {
        assertEquals("config.json: layer_norm_epsilon must be a number, got \"1e-5\"", refused(gpt2("\"layer_norm_epsilon\": \"1e-5\"")));
        assertEquals("config.json: layer_norm_epsilon must be above 0 and at most 1, got 0.0", refused(gpt2("\"layer_norm_epsilon\": 0")));
        assertEquals("config.json: tie_word_embeddings must be true or false, got \"yes\"", refused(gpt2("\"tie_word_embeddings\": \"yes\"")));
        assertEquals(1e-6, GptConfig.fromJson(gpt2("\"layer_norm_epsilon\": 1e-6")).layerNormEps());
    }

    @Test
    void rotarySettingsMustBeComputable() throws Exception {
        assertEquals("config.json: rope_theta must be a number above 1 (10000 in most models), got 0.0", refused(llama("\"rope_theta\": 0")));
        assertTrue(refused(llama("\"rope_theta\": -5")).contains("above 1"));
        assertEquals("config.json: rope_theta must be a number, got \"1e4\"", refused(llama("\"rope_theta\": \"1e4\"")));
        assertEquals("config.json: rope_scaling of type llama3 needs factor, low_freq_factor, high_freq_factor, "
                        + "original_max_position_embeddings; low_freq_factor is missing",
                refused(llama("\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}")));
        assertEquals("config.json: rope_scaling factor must be above 0, got 0.0",
                refused(llama("\"rope_scaling\": {\"type\": \"linear\", \"factor\": 0}")));
        Rope r = GptConfig.fromJson(llama("\"rope_theta\": 500000, \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8, "
                + "\"low_freq_factor\": 1, \"high_freq_factor\": 4, \"original_max_position_embeddings\": 8192}")).rope();
        assertEquals("llama3", r.type());
        assertEquals(500000, r.theta());
        assertEquals(8, r.factor());
    }
}
