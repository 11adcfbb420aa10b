package org.rome4j.magics;

import org.rome4j.display.Figure;
import org.rome4j.magics.display.Bundles;
import org.rome4j.magics.display.Displayable;
import org.rome4j.magics.display.MimeBundle;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * What a magic returns: an immutable value with a table and a figure. A notebook shows the figure
 * (when there is one), then the table; Java code goes on with {@link #table()} and {@link #figure()}.
 */
public interface Result extends Displayable {
    /** A fresh Tablesaw table of the result (stable column names). */
    Table table();

    /** The result as a Plotly figure ({@code {data, layout}}), or null if it has none. */
    Figure figure();

    /** One line for text front ends. */
    String summary();

    @Override
    default List<MimeBundle> bundles(Bundles b) {
        List<MimeBundle> out = new ArrayList<>();
        Figure fig = figure();
        if (fig != null) {
            out.add(b.figure(fig.toObjectNode()));
        }
        MimeBundle t = b.table(table());
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(t.data());
        m.put(MimeBundle.TEXT, summary() + "\n" + t.plain());
        m.put(MimeBundle.HTML, "<p>" + Bundles.escape(summary()) + "</p>" + t.get(MimeBundle.HTML));
        out.add(new MimeBundle(m));
        return out;
    }
}
