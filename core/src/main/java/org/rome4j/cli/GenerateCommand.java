package org.rome4j.cli;

import org.rome4j.model.Generator;
import org.rome4j.model.Gpt;
import org.rome4j.model.UnknownWords;
import org.rome4j.options.GenerationOptions;
import org.rome4j.options.JsonOption;
import org.rome4j.options.ModelOptions;
import org.rome4j.options.PromptOption;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code generate}: greedy or seeded top-k continuation of one or more prompts. */
@picocli.CommandLine.Command(name = "generate", description = "Continue prompts with the model: greedy, or seeded top-k sampling, "
        + "with a KV cache; several prompts are left-padded into one batch.")
final class GenerateCommand implements Command {
    @Mixin
    PromptOption prompt;

    @Mixin
    GenerationOptions generation;

    @Mixin
    ModelOptions model;

    @Mixin
    JsonOption json;

    @Override
    public int run(PrintStream out) throws Exception {
        List<String> prompts = prompt.all();
        if (prompts.stream().anyMatch(String::isEmpty)) throw new UsageException("generate: an empty --prompt; give the text to continue");
        Generator g = generation.generator();
        try (Gpt gpt = model.load()) {
            generation.checkContext(gpt, prompts);
            UnknownWords.note(gpt, prompts.toArray(String[]::new)).ifPresent(System.err::println);
            List<Generator.Result> results = g.generate(gpt, prompts);
            if (json.json()) {
                List<Map<String, Object>> list = new ArrayList<>();
                for (Generator.Result r : results) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("prompt", r.prompt());
                    m.put("completion", r.text());
                    m.put("text", r.fullText());
                    m.put("new_token_ids", r.newIds());
                    list.add(m);
                }
                Json.print(out, list.size() == 1 ? list.get(0) : list);
            } else {
                for (Generator.Result r : results) out.println(r.fullText());
            }
            return 0;
        }
    }
}
