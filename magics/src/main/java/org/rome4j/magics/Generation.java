package org.rome4j.magics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.magics.display.Bundles;
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
        ObjectNode fig = Bundles.newFigure();
        ObjectNode bar = ((ArrayNode) fig.get("data")).addObject();
        bar.put("type", "bar");
        bar.put("name", "p(next token)");
        ArrayNode x = bar.putArray("x");
        ArrayNode y = bar.putArray("y");
        for (int i = 0; i < next.tokens().size(); i++) {
            x.add(i + ":" + next.tokens().get(i));   // unique labels: equal tokens never merge
            y.add(next.probs().get(i));
        }
        ObjectNode layout = (ObjectNode) fig.get("layout");
        layout.putObject("title").put("text", "Next token after \"" + prompt + "\"");
        layout.putObject("yaxis").putObject("title").put("text", "probability");
        return org.rome4j.display.Figure.of(fig);
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
