package org.rome4j.rome;

import ai.djl.ndarray.NDArray;

import java.util.List;
import java.util.Map;

/**
 * One applied batch: which method, which requests, which layers, and the weights it replaced (held open so
 * that undo restores their exact bytes).
 *
 * @param id        1, 2, ... in the order batches were applied on the stack
 * @param method    the editor's method name
 * @param requests  the batch
 * @param layers    the layers written, ascending
 * @param replaced  HF weight name → the array it held before the batch
 * @param details   the method's intermediates (e.g. {@link MassEdit.Result}), for inspection and parity checks
 * @param millis    time to compute and apply
 */
public record BatchEdit(int id, String method, List<Request> requests, List<Integer> layers, Map<String, NDArray> replaced,
                        Object details, long millis) {
    /** With another id (the stack numbers batches). */
    BatchEdit withId(int newId) {
        return new BatchEdit(newId, method, requests, layers, replaced, details, millis);
    }

    @Override
    public String toString() {
        return String.format("#%d %s: %d request%s at layers %s", id, method, requests.size(), requests.size() == 1 ? "" : "s", layers);
    }
}
