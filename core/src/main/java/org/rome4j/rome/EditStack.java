package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import org.rome4j.model.Gpt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The batches applied to one model, whatever method made them, newest on top. Undo puts back the arrays a
 * batch replaced, so every weight it touched has its exact bytes again.
 *
 * <pre>{@code
 * EditStack stack = new EditStack(gpt);
 * BatchEdit b = stack.apply(memit, requests);   // all or nothing
 * stack.undo();                                  // the touched layers are bit-identical to before
 * }</pre>
 */
public final class EditStack {
    private record Entry(Editor editor, BatchEdit edit) { }

    private final Gpt gpt;
    private final Deque<Entry> stack = new ArrayDeque<>();
    private int nextId = 1;

    /** An empty stack on {@code gpt}. */
    public EditStack(Gpt gpt) {
        this.gpt = gpt;
    }

    /** Applies a batch with {@code editor} (whole or not at all) and returns it. */
    public BatchEdit apply(Editor editor, List<Request> requests) {
        BatchEdit e = editor.apply(requests).withId(nextId++);
        stack.push(new Entry(editor, e));
        return e;
    }

    /** Applied batches, oldest first. */
    public List<BatchEdit> edits() {
        List<BatchEdit> out = new ArrayList<>();
        stack.descendingIterator().forEachRemaining(en -> out.add(en.edit()));
        return out;
    }

    /** Undoes the newest batch; null when none. */
    public BatchEdit undo() {
        Entry en = stack.poll();
        if (en == null) return null;
        restore(gpt, en.edit().replaced());
        en.editor().undone(en.edit());
        return en.edit();
    }

    /** Undoes every batch, newest first; returns how many. */
    public int undoAll() {
        int n = 0;
        while (undo() != null) n++;
        return n;
    }

    /** Puts back replaced arrays and closes the edited ones they displace. */
    static void restore(Gpt gpt, Map<String, NDArray> old) {
        for (Map.Entry<String, NDArray> e : old.entrySet()) {
            NDArray edited = gpt.parameters().replace(e.getKey(), e.getValue());
            if (edited != e.getValue()) edited.close();
        }
    }
}
