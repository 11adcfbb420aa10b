package org.rome4j.magics;

import org.rome4j.display.Figure;
import org.rome4j.rome.Edit;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * The active edits of the current model, oldest first ({@code %edits}, and what {@code %rome_undo} leaves).
 *
 * @param edits the active edits
 * @param note  what the magic did (e.g. "undid edit #2"), or ""
 */
public record Edits(List<Edit> edits, String note) implements Result {
    /** Copies the list. */
    public Edits {
        edits = List.copyOf(edits);
    }

    @Override
    public Table table() {
        LongColumn ms = LongColumn.create("ms");
        for (Edit e : edits) ms.append(e.millis());
        return requests("active edits", edits).addColumns(ms);
    }

    /** One row per edit: id, prompt, subject, target and layers (other edit tables add their columns). */
    static Table requests(String name, List<Edit> edits) {
        IntColumn id = IntColumn.create("id");
        StringColumn prompt = StringColumn.create("prompt");
        StringColumn subject = StringColumn.create("subject");
        StringColumn target = StringColumn.create("target");
        StringColumn layers = StringColumn.create("layers");
        for (Edit e : edits) {
            id.append(e.id());
            prompt.append(e.request().prompt());
            subject.append(e.request().subject());
            target.append(e.request().targetNew().strip());
            layers.append(e.layers().toString());
        }
        return Table.create(name, id, prompt, subject, target, layers);
    }

    @Override
    public Figure figure() {
        return null;
    }

    @Override
    public String summary() {
        return (note.isEmpty() ? "" : note + "; ") + edits.size() + " active edit" + (edits.size() == 1 ? "" : "s");
    }

    @Override
    public String toString() {
        return summary();
    }
}
