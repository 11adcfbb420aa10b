package org.rome4j.rome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rome4j.Shared;
import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The presets (the published files' values, exactly), the small-model rule, one stack for every method with
 * exact undo, and bad input: one line each, nothing applied.
 */
class MassEditTest {
    static Gpt gpt;
    static Map<Integer, KeyStats> stats = new HashMap<>();
    static MemitHparams hp;
    static List<List<String>> templates;
    static final Request JORDAN = Request.of("{} plays the sport of", "Michael Jordan", "football");
    static final Request EIFFEL = Request.of("{} is located in", "The Eiffel Tower", "Rome");

    @BeforeAll
    static void load() throws Exception {
        Path dir = Shared.root().resolve("golden/memit/tiny-gpt2");
        gpt = Gpt.load(Shared.tinyGpt2());
        hp = MemitHparams.read(dir.resolve("hparams.json"));
        templates = ContextTemplates.readGroups(dir.getParent().resolve("context_templates.json"));
        for (int l : List.of(1, 2)) stats.put(l, KeyStats.ofMoment(Npy.read(dir.resolve("layer" + l + "/cov.npy")).data(), 256, 1, "float32"));
    }

    @AfterAll
    static void close() {
        if (gpt != null) gpt.close();
    }

    /** The published values: the golden hparams (the original files with their stated overrides) with the overrides put back. */
    @Test
    void presetsAreThePublishedFiles() throws Exception {
        ObjectMapper om = new ObjectMapper();
        Path g = Shared.root().resolve("golden");
        ObjectNode xl = (ObjectNode) om.readTree(g.resolve("memit/tiny-gpt2/hparams.json").toFile());
        xl.set("layers", om.readTree("[13, 14, 15, 16, 17]"));
        xl.put("v_loss_layer", 47).put("mom2_n_samples", 100000).put("mom2_update_weight", 20000);
        assertSame(xl, MemitHparams.memitPreset("gpt2-xl").json());
        ObjectNode gj = (ObjectNode) om.readTree(g.resolve("memit/gptj/hparams.json").toFile());
        gj.set("layers", om.readTree("[3, 4, 5, 6, 7, 8]"));
        gj.put("v_loss_layer", 27).put("mom2_n_samples", 100000).put("mom2_update_weight", 15000);
        assertSame(gj, MemitHparams.memitPreset("EleutherAI_gpt-j-6B").json());
        ObjectNode ax = (ObjectNode) om.readTree(g.resolve("alphaedit/tiny-gpt2/hparams.json").toFile());
        ax.set("layers", om.readTree("[13, 14, 15, 16, 17]"));
        ax.put("v_loss_layer", 47).put("mom2_n_samples", 100000).put("nullspace_threshold", 2e-2);
        assertSame(ax, MemitHparams.alphaEditPreset("gpt2-xl").json());
        MemitHparams aj = MemitHparams.alphaEditPreset("EleutherAI_gpt-j-6B");
        assertEquals(2e-2, aj.nullspaceThreshold());
        assertEquals(10.0, aj.l2());
        assertEquals(List.of(3, 4, 5, 6, 7, 8), aj.layers());
        assertEquals(15000.0, aj.mom2UpdateWeight());
        assertTrue(aj.isAlphaEdit());
        assertFalse(MemitHparams.memitPreset("gpt2-xl").isAlphaEdit());
    }

    static void assertSame(JsonNode want, JsonNode got) {
        assertEquals(want.size(), got.size(), "keys: " + got);
        want.fields().forEachRemaining(e -> {
            JsonNode g = got.get(e.getKey());
            if (e.getValue().isNumber()) {
                assertEquals(e.getValue().asDouble(), g.asDouble(), 0.0, e.getKey());
            } else {
                assertEquals(e.getValue(), g, e.getKey());
            }
        });
    }

    /** λ by key width: 20000 · F / 6400, which gives the golden's 800 on tiny-gpt2 (F = 256); AlphaEdit's threshold relative. */
    @Test
    void untunedRuleScalesLambdaByKeyWidth() {
        Map<String, String> modules = gpt.architecture().moduleTemplates(gpt.config());
        MemitHparams m = MemitHparams.untuned("memit", List.of(1, 2), gpt.nLayer(), gpt.config().nInner(), modules);
        assertEquals(800.0, m.mom2UpdateWeight(), 0.0);
        assertEquals(hp.json().get("mom2_update_weight").asDouble(), m.mom2UpdateWeight(), 0.0);
        assertEquals(3, m.json().get("v_loss_layer").asInt());
        assertEquals(20000.0, MemitHparams.untuned("memit", List.of(13), 48, 6400, modules).mom2UpdateWeight(), 0.0);
        MemitHparams a = MemitHparams.untuned("alphaedit", List.of(1, 2), gpt.nLayer(), gpt.config().nInner(), modules);
        assertTrue(Double.isNaN(a.nullspaceThreshold()));
        assertEquals(MemitHparams.RELATIVE_THRESHOLD, a.nullspaceRelative());
        // the untuned AlphaEdit edits the tiny model (the published 2e-2 would leave P = 0 at layer 1)
        try (AlphaEdit alpha = new AlphaEdit(gpt, a, templates, stats::get)) {
            int nul = alpha.projector(1).nullDims();
            assertTrue(nul > 0 && nul < 256, "null space " + nul);
            EditStack st = new EditStack(gpt);
            float[] w0 = gpt.parameters().get(a.weightName(1)).toFloatArray();
            st.apply(alpha, List.of(JORDAN));
            assertFalse(java.util.Arrays.equals(w0, gpt.parameters().get(a.weightName(1)).toFloatArray()), "the edit changed layer 1");
            st.undo();
            assertArrayEquals(w0, gpt.parameters().get(a.weightName(1)).toFloatArray());
        }
    }

    /** ROME, MEMIT and AlphaEdit batches on one stack; undo restores every touched layer's exact bytes, newest first. */
    @Test
    void oneStackForEveryMethod() throws Exception {
        Path rdir = Shared.tinyGpt2().resolve("rome");
        Rome rome = Rome.builder(gpt).setHparams(RomeHparams.read(rdir.resolve("hparams.json")))
                .optTemplates(ContextTemplates.read(rdir.resolve("context_templates.json")))
                .optInverse(1, Npy.read(rdir.resolve("mom2_inverse_float32.npy")).floats()).optMeasure(false).build();
        Map<String, float[]> w0 = weights();
        EditStack stack = new EditStack(gpt);
        // ROME through the interface gives the update Rome.apply gives
        Edit direct = rome.apply(JORDAN);
        float[] viaSession = gpt.parameters().get("transformer.h.1.mlp.c_proj.weight").toFloatArray();
        rome.undo();
        assertArrayEquals(w0.get("transformer.h.1.mlp.c_proj.weight"), gpt.parameters().get("transformer.h.1.mlp.c_proj.weight").toFloatArray());
        BatchEdit r = stack.apply(rome.editor(), List.of(JORDAN));
        assertEquals("rome", r.method());
        assertArrayEquals(viaSession, gpt.parameters().get("transformer.h.1.mlp.c_proj.weight").toFloatArray(), "editor = Rome.apply");
        assertEquals(direct.updates().get(0).deltaWeightNorm(), ((Update) ((List<?>) r.details()).get(0)).deltaWeightNorm(), 0.0);
        Map<String, float[]> afterRome = weights();
        try (Memit memit = new Memit(gpt, hp, templates, stats::get)) {
            BatchEdit m = stack.apply(memit, List.of(EIFFEL, Request.of("{} was founded by", "Apple", "Bill Gates")));
            assertEquals(List.of(1, 2), m.layers());
            assertEquals(List.of("rome", "memit"), stack.edits().stream().map(BatchEdit::method).toList());
            assertEquals(List.of(1, 2), stack.edits().stream().map(BatchEdit::id).toList());
            assertEquals(2, m.requests().size());
            stack.undo();
            assertEquals(afterRome, weights(), "MEMIT undone: the ROME edit stays");
            stack.undo();
            assertEquals(w0, weights(), "all undone");
            assertEquals(null, stack.undo());
        }
    }

    /** Bad input: one line naming the fix, and the weights untouched. */
    @Test
    void badInputIsOneLineAndAppliesNothing() throws Exception {
        Map<String, float[]> w0 = weights();
        try (Memit memit = new Memit(gpt, hp, templates, stats::get)) {
            EditStack stack = new EditStack(gpt);
            oneLine(assertThrows(IllegalArgumentException.class, () -> stack.apply(memit, List.of())), "empty batch");
            oneLine(assertThrows(IllegalArgumentException.class, () -> stack.apply(memit,
                    List.of(JORDAN, Request.of("{} was born in", "Michael Jordan", "Paris")))), "appears twice");
            assertEquals(w0, weights());
            assertTrue(stack.edits().isEmpty());
        }
        // cancelled (Ctrl-C in the kernel, an interrupt): stops between z searches, nothing applied
        try (Memit memit = new Memit(gpt, hp, templates, stats::get)) {
            org.rome4j.progress.CancellationToken token = new org.rome4j.progress.CancellationToken();
            List<Long> seen = new java.util.ArrayList<>();
            memit.cancellation(token).progress((done, total, msg) -> {
                seen.add(done);
                token.cancel();
            });
            assertThrows(java.util.concurrent.CancellationException.class, () -> new EditStack(gpt).apply(memit, List.of(JORDAN, EIFFEL)));
            assertEquals(List.of(1L), seen, "one z search ran, then the cancel was seen");
            assertEquals(w0, weights());
        }
        // keys that leave the solve singular: C = 0 (statistics of nothing) and fewer keys than dimensions
        Map<Integer, KeyStats> zero = new HashMap<>();
        for (int l : List.of(1, 2)) zero.put(l, KeyStats.ofMoment(new double[256 * 256], 256, 1, "float32"));
        try (Memit memit = new Memit(gpt, hp, templates, zero::get)) {
            oneLine(assertThrows(IllegalArgumentException.class, () -> new EditStack(gpt).apply(memit, List.of(JORDAN))), "singular");
            assertEquals(w0, weights(), "nothing applied after a failing layer");
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode bad = hp.json().deepCopy();
        bad.put("mom2_update_weight", 0);
        MemitHparams zeroLambda = new MemitHparams(bad);
        oneLine(assertThrows(IllegalArgumentException.class, () -> new Memit(gpt, zeroLambda, templates, stats::get)), "must be > 0");
        bad.put("mom2_update_weight", -5);
        oneLine(assertThrows(IllegalArgumentException.class, () -> new MemitHparams(bad)), "non-negative");
        oneLine(assertThrows(IllegalArgumentException.class, () -> hp.withLayers(List.of(2, 1))), "ascending");
        oneLine(assertThrows(IllegalArgumentException.class, () -> new Memit(gpt, hp.withLayers(List.of(2, 7)), templates, stats::get)),
                "has layers 0–3");
        // a request whose subject is not in its prompt
        oneLine(assertThrows(IllegalArgumentException.class, () -> Requests.parse(om.readTree(
                "[{\"prompt\": \"The Eiffel Tower is in\", \"subject\": \"Louvre\", \"target_new\": {\"str\": \"Rome\"}}]"), "r.json")),
                "is not in the prompt");
        oneLine(assertThrows(IllegalArgumentException.class, () -> Requests.parse(om.readTree("{}"), "r.json")), "not a JSON list");
        assertEquals(w0, weights());
    }

    /** Both request shapes of the original drivers. */
    @Test
    void readsRequestObjectsAndCounterFactRecords() throws Exception {
        Path f = Files.createTempFile("requests", ".json");
        try {
            Files.writeString(f, "[{\"case_id\": 1, \"prompt\": \"{} plays the sport of\", \"subject\": \"Michael Jordan\", "
                    + "\"target_new\": {\"str\": \"football\"}}, {\"case_id\": 2, \"requested_rewrite\": {\"prompt\": \"{} is located in\", "
                    + "\"subject\": \"The Eiffel Tower\", \"target_new\": {\"str\": \"Rome\", \"id\": \"Q1\"}, \"target_true\": {\"str\": \"Paris\"}}}]");
            List<Request> rs = Requests.read(f);
            assertEquals(List.of(JORDAN, new Request("{} is located in", "The Eiffel Tower", "Rome", "Paris")), rs);
        } finally {
            Files.delete(f);
        }
    }

    static void oneLine(IllegalArgumentException e, String part) {
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    static Map<String, float[]> weights() {
        Map<String, float[]> m = new HashMap<>();
        for (int l = 0; l < gpt.nLayer(); l++) {
            String n = "transformer.h." + l + ".mlp.c_proj.weight";
            m.put(n, gpt.parameters().get(n).toFloatArray());
        }
        return new ComparableMap(m);
    }

    /** A map whose float[] values compare by content. */
    static final class ComparableMap extends HashMap<String, float[]> {
        ComparableMap(Map<String, float[]> m) {
            super(m);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Map<?, ?> other) || other.size() != size()) return false;
            for (Map.Entry<String, float[]> e : entrySet()) {
                if (!(other.get(e.getKey()) instanceof float[] f) || !java.util.Arrays.equals(f, e.getValue())) return false;
            }
            return true;
        }

        @Override
        public int hashCode() {
            return keySet().hashCode();
        }
    }
}
