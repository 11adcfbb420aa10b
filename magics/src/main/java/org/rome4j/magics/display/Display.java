package org.rome4j.magics.display;

import java.util.function.Consumer;

/**
 * {@code display(value)} for notebook cells: shows a value inline now, as a cell's last value would be
 * shown (a result, a Tablesaw {@code Table}, a Tablesaw-plotly {@code Figure}, a rome4j figure). The
 * kernel installs the sink; outside a notebook the value's text is printed.
 */
public final class Display {
    private static volatile Consumer<Object> sink;

    private Display() { }

    /** Shows {@code value} inline (in a notebook) or prints it. */
    public static void display(Object value) {
        Consumer<Object> s = sink;
        if (s == null) {
            System.out.println(value);
        } else {
            s.accept(value);
        }
    }

    /** Where {@link #display} sends values; null to print them. */
    public static void setSink(Consumer<Object> s) {
        sink = s;
    }
}
