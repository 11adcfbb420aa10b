package org.rome4j.magics;

import org.rome4j.display.Plots;
import java.util.ArrayList;
import java.util.List;
import org.rome4j.display.Figure;
import org.rome4j.rome.Edit;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code %rome_edit} returns: the applied edit with the model's predictions before and after.
 *
 * @param edit the core edit (id, request, rank-one updates, measurements)
 */
public record EditResult(Edit edit) implements Result {
    /** Before/after: target and true-object probabilities, top-5 next tokens, a greedy generation. */
    @Override
    public Table table() {
        StringColumn when = StringColumn.create("model");
        DoubleColumn target = DoubleColumn.create("p(target)");
        DoubleColumn truth = DoubleColumn.create("p(true)");
        StringColumn top = StringColumn.create("top-5 next tokens");
        StringColumn gen = StringColumn.create("generation");
        for (var m : new Edit.Measure[]{edit.pre(), edit.post()}) {
            if (m == null) continue;
            when.append(m == edit.pre() ? "before" : "after");
            target.append(m.targetProb());
            truth.append(m.trueProb());
            top.append(m.top().stream().limit(5).map(t -> String.format(Locale.ROOT, "%s (%.3f)", t.token(), t.prob()))
                    .collect(Collectors.joining(", ")));
            gen.append(m.generation());
        }
        return Table.create("edit #" + edit.id() + ": " + edit.request().text() + " →" + edit.request().targetWithSpace(),
                when, target, truth, top, gen);
    }

    @Override
    public Figure figure() {
        if (edit.pre() == null || edit.post() == null) return null;
        List<String> x = List.of("p(" + edit.request().targetNew().strip() + ")",
                "p(" + (edit.request().targetTrue() == null ? "true object" : edit.request().targetTrue().strip()) + ")");
        List<double[]> y = new ArrayList<>();
        for (Edit.Measure m : List.of(edit.pre(), edit.post())) {
            y.add(new double[] {m.targetProb(), Double.isNaN(m.trueProb()) ? 0.0 : m.trueProb()});
        }
        return Plots.bars("Edit #" + edit.id() + ": " + edit.request().text(), "", "probability", x,
                List.of("before", "after"), y, List.of("#9e9ac8", "#54278f"));
    }

    @Override
    public String summary() {
        return edit.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
