package org.rome4j.kernel;

import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The cells run in this kernel, for Jupyter's {@code history_request} (a front end's up-arrow, {@code %history}):
 * without one the request would get no reply at all. Inputs only, this session only (session 0).
 */
final class CellHistory implements HistoryManager {
    private final List<String> cells = new ArrayList<>();

    /** Records a cell as it is run. */
    synchronized void add(String code) {
        cells.add(code);
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
        int from = Math.max(0, cells.size() - Math.max(0, length));
        return entries(from, cells.size());
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
        if (session != 0 && session != 1) return List.of();   // earlier sessions are not kept
        int from = Math.max(0, start - 1);
        int to = stop <= 0 ? cells.size() : Math.min(cells.size(), stop - 1);
        return from >= to ? List.of() : entries(from, to);
    }

    @Override
    public synchronized List<HistoryEntry> search(String glob, int length, Set<ResultFlag> flags) {
        Pattern p = Pattern.compile(glob == null ? ".*" : globToRegex(glob), Pattern.DOTALL);
        List<HistoryEntry> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = cells.size() - 1; i >= 0 && (length <= 0 || out.size() < length); i--) {
            String c = cells.get(i);
            if (!p.matcher(c).matches()) continue;
            if (flags != null && flags.contains(ResultFlag.UNIQUE) && !seen.add(c)) continue;
            out.add(0, new HistoryEntry(0, i + 1, c, null));
        }
        return out;
    }

    private List<HistoryEntry> entries(int from, int to) {
        List<HistoryEntry> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(new HistoryEntry(0, i + 1, cells.get(i), null));
        return out;
    }

    private static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return sb.toString();
    }
}
