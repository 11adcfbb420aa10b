package org.rome4j.magics.display;

import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.DoubleColumnType;
import tech.tablesaw.columns.numbers.FloatColumnType;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Numbers as a reader of a table wants them: four significant digits, plain between 0.001 and a
 * million, scientific outside ({@code -2.24e-08}, not {@code -0.000000022351741790771484}). Only the
 * display is rounded; the table a result returns keeps exact values.
 */
public final class ReadableNumbers {
    private static final MathContext DIGITS = new MathContext(4);

    private ReadableNumbers() { }

    /** One number, rounded for reading; "" for a missing (NaN) value. */
    public static String format(double v) {
        if (Double.isNaN(v)) return "";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            return new BigDecimal(v).round(DIGITS).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }

    /** The first {@code rows} rows of {@code t} with floating-point columns as rounded text. */
    public static Table forDisplay(Table t, int rows) {
        Table head = t.first(rows);
        Table out = Table.create(t.name());
        for (Column<?> c : head.columns()) {
            if (c.type() instanceof DoubleColumnType || c.type() instanceof FloatColumnType) {
                StringColumn s = StringColumn.create(c.name());
                for (int r = 0; r < c.size(); r++) {
                    s.append(c.isMissing(r) ? "" : format(((Number) c.get(r)).doubleValue()));
                }
                out.addColumns(s);
            } else {
                out.addColumns(c.copy());
            }
        }
        return out;
    }
}
