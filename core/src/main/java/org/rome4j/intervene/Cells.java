package org.rome4j.intervene;

import java.util.Arrays;

/**
 * A list of (batch row, token position) pairs at which an intervention acts.
 *
 * <p>Immutable. Positions count from the start of the sequence.
 */
public final class Cells {
    private final int[] rows;
    private final int[] positions;

    private Cells(int[] rows, int[] positions) {
        if (rows.length != positions.length) {
            throw new IllegalArgumentException("rows and positions differ in length: " + rows.length + " vs " + positions.length);
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || positions[i] < 0) {
                throw new IllegalArgumentException("negative cell (" + rows[i] + ", " + positions[i] + ")");
            }
        }
        this.rows = rows;
        this.positions = positions;
    }

    /** Explicit pairs: cell k is (rows[k], positions[k]). */
    public static Cells of(int[] rows, int[] positions) {
        return new Cells(rows.clone(), positions.clone());
    }

    /** One cell. */
    public static Cells at(int row, int position) {
        return new Cells(new int[] {row}, new int[] {position});
    }

    /** Every combination of the given rows and positions, row-major. */
    public static Cells grid(int[] rowList, int[] positionList) {
        int n = rowList.length * positionList.length;
        int[] r = new int[n];
        int[] p = new int[n];
        int k = 0;
        for (int row : rowList) {
            for (int pos : positionList) {
                r[k] = row;
                p[k++] = pos;
            }
        }
        return new Cells(r, p);
    }

    /** Positions [from, to) of the given rows. */
    public static Cells range(int[] rowList, int from, int to) {
        int[] pos = new int[Math.max(0, to - from)];
        for (int i = 0; i < pos.length; i++) pos[i] = from + i;
        return grid(rowList, pos);
    }

    /** Rows [from, to). */
    public static int[] rows(int from, int to) {
        int[] r = new int[Math.max(0, to - from)];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    /** Number of cells. */
    public int size() { return rows.length; }

    /** Row of cell k. */
    public int row(int k) { return rows[k]; }

    /** Position of cell k. */
    public int position(int k) { return positions[k]; }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Cells[");
        for (int i = 0; i < Math.min(rows.length, 8); i++) {
            sb.append(i > 0 ? ", " : "").append('(').append(rows[i]).append(',').append(positions[i]).append(')');
        }
        if (rows.length > 8) sb.append(", ... ").append(rows.length).append(" cells");
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cells c && Arrays.equals(c.rows, rows) && Arrays.equals(c.positions, positions);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rows) + Arrays.hashCode(positions);
    }
}
