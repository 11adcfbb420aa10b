package org.rome4j.rome;

import java.util.List;

/**
 * An applied edit: what changed and how the model's predictions moved. Plain Java values; the weights
 * it replaced are held by the {@link Rome} session until it is undone.
 *
 * @param id      1, 2, ... in the order edits were applied in the session
 * @param request the rewrite
 * @param updates one rank-one update per edited layer (u, v, norms)
 * @param pre     predictions before the edit (null when the session does not measure)
 * @param post    predictions after the edit (null when the session does not measure)
 * @param millis  time to compute and apply the edit (without the before/after measurements)
 */
public record Edit(int id, Request request, List<Update> updates, Measure pre, Measure post, long millis) {

    /** The edited layers. */
    public List<Integer> layers() {
        return updates.stream().map(Update::layer).toList();
    }

    /**
     * Predictions for the request's prompt.
     *
     * @param targetProb  P(target tokens | prompt), the product over the target's tokens
     * @param trueProb    the same for the true object, or NaN when it is unknown
     * @param top         the most likely next tokens
     * @param generation  a short greedy continuation of the prompt
     */
    public record Measure(double targetProb, double trueProb, List<TopToken> top, String generation) { }

    /** A next-token prediction. */
    public record TopToken(long id, String token, double prob) { }

    @Override
    public String toString() {
        return pre == null ? String.format("Edit #%d [%s] -> \"%s\" at layers %s", id, request.text(), request.targetNew(), layers())
                : String.format("Edit #%d [%s] -> \"%s\" at layers %s: P(target) %.3g -> %.3g", id, request.text(),
                request.targetNew(), layers(), pre.targetProb(), post.targetProb());
    }
}
