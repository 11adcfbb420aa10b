package org.rome4j.rome;

import java.util.List;

/**
 * A model-editing method: turns a batch of requests into new weights for some layers (ROME, r-ROME, MEMIT,
 * AlphaEdit). {@link EditStack} applies batches, lists them and undoes them, whatever method made them.
 */
public interface Editor {
    /** The method's name as the CLI spells it: {@code rome}, {@code r-rome}, {@code memit}, {@code alphaedit}. */
    String method();

    /** The layers this editor writes. */
    List<Integer> layers();

    /**
     * Computes and applies a batch whole: on return every touched weight holds its edited value and
     * {@link BatchEdit#replaced()} the arrays it replaced, untouched; on failure nothing stays applied.
     *
     * @throws IllegalArgumentException with a one-line message for unusable input (nothing applied)
     */
    BatchEdit apply(List<Request> requests);

    /** Told after {@code edit} (made by this editor) was undone, so state carried across batches goes back too. */
    default void undone(BatchEdit edit) { }
}
