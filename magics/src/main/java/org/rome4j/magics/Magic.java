package org.rome4j.magics;

import java.util.List;

/**
 * A magic command: {@code %name args} (line) or {@code %%name args} with a body (cell). Its result is
 * a plain Java value a kernel renders and a user can keep ({@code var r = %logit_lens "..."}).
 */
public interface Magic {
    /** Name, arguments and help. */
    Spec spec();

    /** The type of the value {@link #run} returns (a kernel casts to it so {@code var} binds the real type). */
    Class<?> resultType();

    /**
     * Runs the magic on parsed arguments; {@code body} is the cell body for cell magics, else null.
     * Long work checks {@link Thread#interrupted()} and reports progress through the session.
     */
    Object run(Session session, Spec.Parsed args, String body) throws Exception;

    /** Whether this is a cell magic ({@code %%name}). */
    default boolean isCell() {
        return false;
    }

    /**
     * Parses words and runs; {@code --help} returns the {@link Help} instead.
     *
     * @throws MagicException for bad arguments (one line)
     */
    default Object call(Session session, List<String> words, String body) throws Exception {
        Spec.Parsed p = spec().parse(words);
        if (p.help()) {
            return new Help(spec());
        }
        if (session.hasModel() && !p.texts().isEmpty()) {
            org.rome4j.model.UnknownWords.note(session.model(), p.texts().toArray(String[]::new)).ifPresent(System.err::println);
        }
        return run(session, p, body);
    }
}
