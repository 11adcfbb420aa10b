package org.rome4j.cli;

import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.eval.FactRecall;
import org.rome4j.model.Gpt;
import org.rome4j.model.UnknownWords;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rome4j.options.Declared;
import org.rome4j.options.FactsOption;
import org.rome4j.options.JsonOption;
import org.rome4j.options.ModelOptions;

/** {@code facts}: how many facts of a known_1000-format file the model completes greedily. */
@picocli.CommandLine.Command(name = "facts", description = "How many facts the model completes: a fact is correct when the greedy "
        + "next token after its prompt is the first token of \" \" + attribute.")
final class FactsCommand implements Command {
    @picocli.CommandLine.Mixin
    FactsOption facts;

    @picocli.CommandLine.Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "prompts per forward pass, 1-4096")
    int batch;

    @picocli.CommandLine.Mixin
    ModelOptions model;

    @picocli.CommandLine.Mixin
    JsonOption json;

    @Override
    public int run(PrintStream out) throws Exception {
        List<KnownFact> given = this.facts.readGiven();
        int batch = Declared.range("--batch", this.batch, 1, 4096);
        try (Gpt gpt = model.load()) {
            List<KnownFact> facts = FactsOption.orModels(given, gpt);
            UnknownWords.noteFor(gpt, facts.stream().map(f -> f.prompt() + " " + f.attribute()).toList(), "facts")
                    .ifPresent(System.err::println);
            FactRecall.Result r = FactRecall.check(gpt, facts, batch);
            if (json.json()) {
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
