package org.rome4j.cli;

import org.rome4j.model.Generator;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.model.UnknownWords;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code generate}: greedy or seeded top-k continuation of one or more prompts. */
final class GenerateCommand implements Command {
    @Override
    public String name() { return "generate"; }

    @Override
    public String usage() {
        return "generate --model M [--dtype f32|bf16|f16] --prompt TEXT [--prompt TEXT2 ...] [--max-new-tokens N] [--top-k K --seed S] [--json]";
    }

    @Override
    public String help() {
        return "  --prompt TEXT       a prompt (required; repeat for a batch, left-padded)\n"
                + "  --max-new-tokens N  tokens to generate, 1-100000 (default 20; at most the model's context)\n"
                + "  --top-k K           sample from the K most likely tokens (default 0: greedy)\n"
                + "  --seed S            sampling seed (default 0)\n"
                + "  --dtype D           weights in memory: f32 (default), bf16 or f16; computed in float32\n"
                + "  --model M           the embedded tiny-facts (default), a model folder in HF layout, or a hub id in the HF cache\n"
                + "  --json              print the result as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        List<String> prompts = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--prompt") && i + 1 < argv.length) {
                prompts.add(argv[++i]);
            } else {
                rest.add(argv[i]);
            }
        }
        Args a = Args.parse(name(), rest.toArray(String[]::new), Set.of("model", "dtype", "max-new-tokens", "top-k", "seed", "prompt"),
                Set.of("json"));
        if (prompts.isEmpty() || prompts.stream().anyMatch(String::isEmpty)) {
            throw new UsageException("generate: --prompt TEXT is required (repeat it for a batch)");
        }
        int maxNew = a.getInt("max-new-tokens", 20, 1, 100_000);
        Generator g = Generator.builder()
                .maxNewTokens(maxNew)
                .topK(a.getInt("top-k", 0, 0, 1_000_000))
                .seed(a.getLong("seed", 0))
                .build();
        try (Gpt gpt = Models.load(a.get("model", Models.DEFAULT), a.dtype())) {
            // the context bounds the KV cache: refuse up front rather than after generating most of the tokens
            int longest = prompts.stream().mapToInt(p -> gpt.tokenizer().ids(p).length).max().orElse(0);
            int context = gpt.config().nPositions();
            if (longest + maxNew > context) {
                throw new UsageException("--max-new-tokens " + maxNew + " does not fit: the longest prompt has " + longest
                        + " tokens and " + gpt.name() + "'s context is " + context + "; at most " + Math.max(0, context - longest)
                        + " new tokens");
            }
            UnknownWords.note(gpt, prompts.toArray(String[]::new)).ifPresent(System.err::println);
            List<Generator.Result> results = g.generate(gpt, prompts);
            if (a.json()) {
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
