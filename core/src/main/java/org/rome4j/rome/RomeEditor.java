package org.rome4j.rome;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ROME (or r-ROME) behind {@link Editor}: the requests of a batch one after another, each computed on the
 * weights the earlier ones left (the original's {@code apply_rome_to_model} over several requests), with the
 * same updates as {@link Rome#apply}. The whole batch or nothing: a failing request takes the earlier ones back.
 */
final class RomeEditor implements Editor {
    private final Rome rome;

    RomeEditor(Rome rome) {
        this.rome = rome;
    }

    @Override
    public String method() {
        return rome.rRome() ? "r-rome" : "rome";
    }

    @Override
    public List<Integer> layers() {
        return rome.hparams().layers().stream().sorted().toList();
    }

    @Override
    public BatchEdit apply(List<Request> requests) {
        MassEdit.checkBatch(rome.model(), requests);
        long t0 = System.nanoTime();
        Map<String, NDArray> old = new LinkedHashMap<>();
        List<Update> updates = new ArrayList<>();
        try {
            for (Request r : requests) {
                for (int layer : layers()) {
                    Update u = rome.compute(r, layer);
                    updates.add(u);
                    NDArray prev = RankOne.apply(rome.model(), u);
                    old.putIfAbsent(u.weightName(), prev);
                    if (old.get(u.weightName()) != prev) prev.close();
                }
            }
        } catch (RuntimeException e) {
            EditStack.restore(rome.model(), old);
            throw e;
        }
        return new BatchEdit(0, method(), List.copyOf(requests), layers(), old, List.copyOf(updates), (System.nanoTime() - t0) / 1_000_000);
    }
}
