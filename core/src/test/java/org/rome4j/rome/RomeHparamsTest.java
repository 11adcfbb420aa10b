package org.rome4j.rome;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The original hparams schema, the presets, and one-line errors for bad requests. */
class RomeHparamsTest {
    @Test
    void readsTheGoldenFileAsIs() throws Exception {
        RomeHparams hp = RomeHparams.read(Shared.tinyGpt2().resolve("rome/hparams.json"));
        assertEquals(List.of(1), hp.layers());
        assertEquals(3, hp.vLossLayer());
        assertEquals(0.0625, hp.klFactor());
        assertEquals(3.0, hp.clampNormFactor());
        assertEquals(205, hp.mom2NSamples());
        assertEquals("transformer.h.1.mlp.c_proj.weight", hp.weightName(1));
        assertEquals(2, hp.contextTemplateLengthParams().size());
        // round trip through the schema
        assertEquals(hp.toJson(), RomeHparams.parse(hp.toJson(), "x").toJson());
    }

    @Test
    void presetsHaveTheOriginalValues() {
        RomeHparams xl = RomeHparams.preset("gpt2-xl");
        assertEquals(List.of(17), xl.layers());
        assertEquals(47, xl.vLossLayer());
        assertEquals(0.5, xl.vLr());
        assertEquals(0.5, xl.vWeightDecay());
        assertEquals(4.0, xl.clampNormFactor());
        assertEquals(100000, xl.mom2NSamples());
        assertEquals("transformer.h.{}.mlp.fc_out", RomeHparams.preset("EleutherAI_gpt-j-6B").rewriteModuleTmp());
        assertEquals(List.of(8), RomeHparams.preset("gpt2-medium").layers());
        for (String p : RomeHparams.PRESETS) RomeHparams.preset(p);
    }

    @Test
    void unknownKeyIsNamed() throws Exception {
        var n = RomeHparams.preset("gpt2-xl").toJson().put("v_lrr", 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RomeHparams.parse(n, "h.json"));
        assertTrue(e.getMessage().contains("unknown key \"v_lrr\""), e.getMessage());
        var missing = new ObjectMapper().createObjectNode().put("fact_token", "subject_last");
        missing.putArray("layers").add(1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RomeHparams.parse(missing, "h.json"))
                .getMessage().contains("missing key"));
    }

    @Test
    void badRequestsGetOneLineFixes() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Request.of("plays the sport of", "X", "y"))
                .getMessage().contains("has no {}"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Request.of("{} plays", "X", " "))
                .getMessage().contains("empty target"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Request.fromText("LeBron James plays the sport of", "Michael Jordan", "golf", null))
                .getMessage().contains("is not in the prompt"));
        Request r = Request.fromText("Michael Jordan plays the sport of", "Michael Jordan", "golf", "basketball");
        assertEquals("{} plays the sport of", r.prompt());
        assertEquals(" golf", r.targetWithSpace());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ContextTemplates.validate(List.of("{}", "no field")))
                .getMessage().contains("exactly once"));
    }

    /** Work that could not finish is refused before it starts, with the bound in the message. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "v_num_grad_steps|1000000000|10000", "v_num_grad_steps|10001|10000",
            "context_template_length_params|[[5, 1000000]]|1000", "context_template_length_params|[[5, 600], [10, 600]]|1000",
            "context_template_length_params|[[100000, 1]]|1000"})
    void unboundedWorkIsRefusedWithItsBound(String key, String json, String bound) throws Exception {
        var n = RomeHparams.preset("gpt2-xl").toJson();
        n.set(key, new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RomeHparams.parse(n, "h.json"));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(bound), e.getMessage());
        var ok = RomeHparams.preset("gpt2-xl").toJson();
        ok.put("v_num_grad_steps", 10000);
        ok.set("context_template_length_params", new com.fasterxml.jackson.databind.ObjectMapper().readTree("[[1000, 500], [5, 500]]"));
        assertEquals(10000, RomeHparams.parse(ok, "h.json").vNumGradSteps());
        var samples = new org.rome4j.options.NoiseOptions();
        new picocli.CommandLine(samples).parseArgs("--samples", "100000");
        assertTrue(assertThrows(RuntimeException.class, samples::samples).getMessage().contains("10000"));
    }

    /** Wrong types and out-of-range values are errors naming the field (they used to be converted or ignored). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "layers|{\"a\": 1}", "layers|[\"1\"]", "layers|[1.5]", "layers|[-1]", "layers|[]", "v_lr|\"fast\"",
            "v_num_grad_steps|2.5", "v_loss_layer|\"3\"", "kl_factor|-1", "mom2_adjustment|\"yes\"", "fact_token|3",
            "context_template_length_params|[[5]]", "mom2_n_samples|true"})
    void rejectsWrongTypesNamingTheField(String key, String json) throws Exception {
        var n = RomeHparams.read(org.rome4j.Shared.tinyGpt2().resolve("rome/hparams.json")).toJson();
        n.set(key, new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RomeHparams.parse(n, "h.json"));
        assertTrue(e.getMessage().contains("\"" + key + "\""), e.getMessage());
    }

    @Test
    void layersAndLossLayerMustFitTheModel() throws Exception {
        RomeHparams hp = RomeHparams.read(org.rome4j.Shared.tinyGpt2().resolve("rome/hparams.json"));
        hp.checkFor(4, "tiny");
        IllegalArgumentException loss = assertThrows(IllegalArgumentException.class, () -> RomeHparams.parse(
                hp.toJson().put("v_loss_layer", 99), "h.json").checkFor(4, "tiny"));
        assertTrue(loss.getMessage().contains("v_loss_layer") && loss.getMessage().contains("set it to 3"), loss.getMessage());
        IllegalArgumentException layer = assertThrows(IllegalArgumentException.class, () -> hp.withLayers(List.of(7)).checkFor(4, "tiny"));
        assertTrue(layer.getMessage().contains("\"layers\""), layer.getMessage());
    }
}
