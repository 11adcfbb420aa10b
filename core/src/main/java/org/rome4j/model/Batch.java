package org.rome4j.model;

import java.util.List;

/**
 * Token sequences of different lengths packed into one [B, T] batch with an attention mask and
 * position ids. Right padding (the original ROME code's choice) keeps positions 0..T-1; left padding
 * (for generation, so every row's last token is at T-1) counts positions from each row's first real
 * token. Immutable.
 */
public final class Batch {
    private final long[][] ids;
    private final int[][] mask;
    private final long[][] positions;
    private final int[] lengths;
    private final boolean left;

    private Batch(long[][] ids, int[][] mask, long[][] positions, int[] lengths, boolean left) {
        this.ids = ids;
        this.mask = mask;
        this.positions = positions;
        this.lengths = lengths;
        this.left = left;
    }

    /** One sequence. */
    public static Batch of(long[] ids) {
        return right(List.of(ids), 0);
    }

    /** Right-padded with {@code padId}; positions 0..T-1 on every row. */
    public static Batch right(List<long[]> seqs, long padId) {
        return pack(seqs, padId, false);
    }

    /** Left-padded with {@code padId}; each row's real tokens get positions 0..n-1. */
    public static Batch left(List<long[]> seqs, long padId) {
        return pack(seqs, padId, true);
    }

    private static Batch pack(List<long[]> seqs, long padId, boolean left) {
        if (seqs.isEmpty()) {
            throw new IllegalArgumentException("empty batch: give at least one prompt");
        }
        int t = 0;
        for (long[] s : seqs) {
            if (s.length == 0) {
                throw new IllegalArgumentException("empty prompt: it encodes to no tokens");
            }
            t = Math.max(t, s.length);
        }
        int b = seqs.size();
        long[][] ids = new long[b][t];
        int[][] mask = new int[b][t];
        long[][] pos = new long[b][t];
        int[] lengths = new int[b];
        for (int r = 0; r < b; r++) {
            long[] s = seqs.get(r);
            int pad = t - s.length;
            lengths[r] = s.length;
            for (int i = 0; i < t; i++) {
                int j = left ? i - pad : i;
                boolean real = j >= 0 && j < s.length;
                ids[r][i] = real ? s[j] : padId;
                mask[r][i] = real ? 1 : 0;
                pos[r][i] = left ? Math.max(0, j) : i;
            }
        }
        return new Batch(ids, mask, pos, lengths, left);
    }

    /** Rows B. */
    public int rows() { return ids.length; }
    /** Padded length T. */
    public int tokens() { return ids[0].length; }
    /** Whether rows are left-padded. */
    public boolean leftPadded() { return left; }
    /** Real length of a row. */
    public int length(int row) { return lengths[row]; }
    /** Token id at (row, position). */
    public long id(int row, int position) { return ids[row][position]; }
    /** 1 for a real token, 0 for padding. */
    public int mask(int row, int position) { return mask[row][position]; }
    /** Position id at (row, position). */
    public long position(int row, int position) { return positions[row][position]; }

    /** Index in the padded row of the row's last real token. */
    public int lastIndex(int row) {
        return left ? tokens() - 1 : lengths[row] - 1;
    }

    /** Index in the padded row of the row's k-th real token. */
    public int index(int row, int k) {
        return left ? tokens() - lengths[row] + k : k;
    }

    /** Ids flattened row-major. */
    public long[] flatIds() {
        return flatten(ids);
    }

    /** Position ids flattened row-major. */
    public long[] flatPositions() {
        return flatten(positions);
    }

    private static long[] flatten(long[][] a) {
        int t = a[0].length;
        long[] out = new long[a.length * t];
        for (int r = 0; r < a.length; r++) {
            System.arraycopy(a[r], 0, out, r * t, t);
        }
        return out;
    }
}
