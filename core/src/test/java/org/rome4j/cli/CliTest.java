package org.rome4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.io.Npy;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI in-process: JSON shapes and numbers, exit codes and one-line errors. */
class CliTest {
    static CliRun run(String... argv) {
        return CliRun.of(argv);
    }

    static String model() {
        return Shared.tinyGpt2().toString();
    }

    @Test
    void logitsJsonMatchesTheGolden() throws Exception {
        CliRun r = run("logits", "--model", model(), "--prompt", "Michael Jordan plays the sport of", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(6, j.get("tokens").size());
        assertEquals(13256, j.get("token_ids").get(0).asLong());
        float[] golden = Npy.read(Shared.tinyGpt2().resolve("forward/p1_logits_last.npy")).floats();
        assertEquals(golden.length, j.get("last_logits").size());
        for (int i = 0; i < golden.length; i += 997) {
            assertEquals(golden[i], j.get("last_logits").get(i).floatValue(), 1e-4);
        }
        assertEquals(10, j.get("top").size());
        assertEquals(38316, j.get("top").get(0).get("id").asLong());
        assertEquals(0.1726277768611908, j.get("top").get(0).get("prob").asDouble(), 1e-5);
        assertEquals(" depl", j.get("top").get(0).get("token").asText());
    }

    @Test
    void generateIsReproducible() throws Exception {
        CliRun a = run("generate", "--model", model(), "--prompt", "The Eiffel Tower is in", "--max-new-tokens", "5",
                "--top-k", "5", "--seed", "3", "--json");
        CliRun b = run("generate", "--model", model(), "--prompt", "The Eiffel Tower is in", "--max-new-tokens", "5",
                "--top-k", "5", "--seed", "3", "--json");
        assertEquals(0, a.status(), a.err());
        assertEquals(a.out(), b.out());
        JsonNode j = new ObjectMapper().readTree(a.out());
        assertEquals(5, j.get("new_token_ids").size());
        assertTrue(j.get("text").asText().startsWith("The Eiffel Tower is in"));
    }

    @Test
    void factsCountsGreedyFirstTokens(@TempDir Path tmp) throws Exception {
        // golden argmax after p1 is " depl": a fact whose attribute starts with that token is correct
        Path f = tmp.resolve("facts.json");
        Files.writeString(f, "[{\"known_id\":0,\"subject\":\"Michael Jordan\",\"attribute\":\"deplorable\",\"template\":\"{} plays the sport of\","
                + "\"prediction\":\"\",\"prompt\":\"Michael Jordan plays the sport of\",\"relation_id\":\"P641\"},"
                + "{\"known_id\":1,\"subject\":\"Michael Jordan\",\"attribute\":\"basketball\",\"template\":\"{} plays the sport of\","
                + "\"prediction\":\"\",\"prompt\":\"Michael Jordan plays the sport of\",\"relation_id\":\"P641\"}]");
        CliRun r = run("facts", "--model", model(), "--facts", f.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.get("total").asInt());
        assertEquals(" deplorable".startsWith(" depl") ? 1 : 0, j.get("correct").asInt());
        assertEquals(0.5, j.get("accuracy").asDouble(), 1e-12);
    }

    @Test
    void badInputIsOneLineAndStatusTwo(@TempDir Path tmp) {
        CliRun r = run("logits", "--model", tmp.resolve("missing").toString(), "--prompt", "x");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("rome4j logits: model directory not found"), r.err());
        assertEquals(1, r.err().lines().count());

        r = run("logits", "--model", model());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--prompt is required"), r.err());

        r = run("generate", "--model", model(), "--prompt", "x", "--max-new-tokens", "zero");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--max-new-tokens must be an integer"), r.err());

        r = run("logits", "--model", model(), "--prompt", "x", "--temperature", "2");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown option --temperature"), r.err());

        for (String c : commandNames()) {
            r = run(c, "--help");
            assertEquals(0, r.status(), c);
            assertTrue(r.out().startsWith("usage: rome4j " + c), r.out());
        }

        r = run("frobnicate");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown command frobnicate"), r.err());

        r = run("logits", "--model", "no-such-model-xyz", "--prompt", "x");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown model no-such-model-xyz") && r.err().contains("download"), r.err());
    }

    static java.util.List<String> commandNames() {
        return Main.commandLine(System.out, System.err).getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
    }

    /**
     * {@code <command> --help} prints, from the command's picocli declaration, every option it accepts with its value
     * label, description and declared default; an unknown option's error lists the same options.
     */
    @Test
    void everyCommandsHelpDescribesEveryOption() {
        var commands = Main.commandLine(System.out, System.err).getSubcommands();
        for (String c : commandNames()) {
            CliRun help = run(c, "--help");
            assertEquals(0, help.status(), c);
            var spec = commands.get(c).getCommandSpec();
            assertTrue(spec.options().size() >= 2, c);
            for (var o : spec.options()) {
                String left = String.join(", ", o.names()) + (o.arity().max() == 0 ? "" : " " + o.paramLabel());   // every alias, as help lists them
                assertTrue(java.util.regex.Pattern.compile("(?m)^\\s+(-h, )?" + java.util.regex.Pattern.quote(left) + "(\\[,[^\\]]+\\])?(\\.\\.\\.)?\\s").matcher(help.out()).find(),
                        c + " --help does not describe " + left + ":\n" + help.out());
                assertTrue(help.out().contains(o.description()[0].substring(0, Math.min(30, o.description()[0].length()))), c + " " + left);
                if (o.defaultValue() != null) {
                    assertTrue(help.out().contains("Default: " + o.defaultValue()), c + " names the default of " + left + ":\n" + help.out());
                }
            }
            CliRun bogus = run(c, "--no-such-option");
            assertEquals(2, bogus.status(), c);
            for (var o : spec.options()) assertTrue(bogus.err().contains(o.longestName()), bogus.err());
            assertEquals(1, bogus.err().strip().lines().count(), bogus.err());
        }
        CliRun all = run("--help");
        for (String c : commandNames()) assertTrue(all.out().contains(c), all.out());
    }

    /** A word starting with @ is text, not an argument file to read; --name=value is --name value. */
    @Test
    void atWordsAreTextAndInlineValuesWork(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("words"), "Paris");   // picocli's @file expansion would read it
        CliRun r = run("logits", "--model", model(), "--prompt=@" + file, "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("tokens").toString().contains("@"), j.toString());
    }

    /** --max-new-tokens beyond the model's context is refused before generating, naming the limit. */
    @org.junit.jupiter.api.Test
    void generateRefusesMoreTokensThanTheContextHolds() {
        CliRun r = CliRun.of("generate", "--prompt", "Megan Rapinoe plays the sport of", "--max-new-tokens", "100000");
        org.junit.jupiter.api.Assertions.assertEquals(2, r.status(), r.err());
        org.junit.jupiter.api.Assertions.assertTrue(r.err().contains("at most") && r.err().contains("context is"), r.err());
        org.junit.jupiter.api.Assertions.assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
