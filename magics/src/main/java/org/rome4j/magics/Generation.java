package org.rome4j.magics;

import org.rome4j.display.Plots;
import java.util.ArrayList;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * What {@code %generate} produced: the continuation of a prompt by one or more model variants
 * ("current", or "original" and "edited" with {@code --compare}), and the next-token distribution
 * after the prompt.
 *
 * @param prompt      the prompt
 * @param variants    which model made each completion
 * @param completions the generated text after the prompt, one per variant
 * @param next        the most likely next tokens of the current model
 * @param maxNewTokens tokens asked for
 */
public record Generation(String prompt, List<String> variants, List<String> completions, NextTokens next,
                         int maxNewTokens) implements Result {
    /** Copies the lists. */
    public Generation {
        variants = List.copyOf(variants);
        completions = List.copyOf(completions);
    }

    /** The completion of the first (current) variant. */
    public String completion() {
        return completions.get(0);
    }

    /** Prompt plus the first completion. */
    public String text() {
        return prompt + completions.get(0);
    }

    @Override
    public Table table() {
        StringColumn v = StringColumn.create("model");
        StringColumn p = StringColumn.create("prompt");
        StringColumn c = StringColumn.create("completion");
        for (int i = 0; i < variants.size(); i++) {
            v.append(variants.get(i));
            p.append(prompt);
            c.append(completions.get(i));
        }
        return Table.create("generation", v, p, c);
    }

    @Override
    public org.rome4j.display.Figure figure() {
        List<String> x = new ArrayList<>();
        for (int i = 0; i < next.tokens().size(); i++) {
            x.add(i + ":" + next.tokens().get(i));   // unique labels: equal tokens never merge
        }
        double[] y = next.probs().stream().mapToDouble(Double::doubleValue).toArray();
        return Plots.bars("Next token after \"" + prompt + "\"", "", "probability", x, List.of("p(next token)"),
                List.of(y), List.of("#1f77b4"));   // plotly's first default colour, as before
    }

    @Override
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < variants.size(); i++) {
            if (i > 0) sb.append('\n');
            sb.append(variants.size() > 1 ? "[" + variants.get(i) + "] " : "").append(prompt).append(completions.get(i));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
