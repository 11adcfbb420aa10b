package org.rome4j.cli;

import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.eval.FactRecall;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.model.UnknownWords;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code facts}: how many facts of a known_1000-format file the model completes greedily. */
final class FactsCommand implements Command {
    @Override
    public String name() { return "facts"; }

    @Override
    public String usage() { return "facts --model M [--dtype f32|bf16|f16] --facts FILE [--json]"; }

    @Override
    public String help() {
        return "  --facts FILE        facts in known_1000.json format: a JSON list of {\"subject\", \"attribute\", \"prompt\", ...} (required)\n"
                + "  --batch N           prompts per forward pass, 1-4096 (default 64)\n"
                + "  --dtype D           weights in memory: f32 (default), bf16 or f16; computed in float32\n"
                + "  --model M           the embedded tiny-facts (default), a model folder in HF layout, or a hub id in the HF cache\n"
                + "  --json              print the result as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("model", "dtype", "facts", "batch"), Set.of("json"));
        List<KnownFact> facts = KnownFacts.read(Path.of(a.require("facts")));
        try (Gpt gpt = Models.load(a.get("model", Models.DEFAULT), a.dtype())) {
            UnknownWords.noteFor(gpt, facts.stream().map(f -> f.prompt() + " " + f.attribute()).toList(), "facts")
                    .ifPresent(System.err::println);
            FactRecall.Result r = FactRecall.check(gpt, facts, a.getInt("batch", 64, 1, 4096));
            if (a.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("total", r.total());
                m.put("correct", r.correct());
                m.put("accuracy", r.accuracy());
                Json.print(out, m);
            } else {
                out.printf("%s: %d of %d facts correct (accuracy %.4f)%n", gpt.name(), r.correct(), r.total(), r.accuracy());
                r.wrong().stream().limit(10).forEach(c -> out.printf("  wrong: %s -> \"%s\" (expected \"%s\")%n",
                        c.fact().prompt(), c.predicted(), c.fact().attribute()));
            }
            return 0;
        }
    }
}
