package org.rome4j.magics;

import java.util.List;

/**
 * A magic command: {@code %name args} (line) or {@code %%name args} with a body (cell). Its arguments are a
 * picocli-declared object ({@link #options()}); its result is a plain Java value a kernel renders and a user can
 * keep ({@code var r = %logit_lens "..."}).
 *
 * @param <A> the declaration: a {@code @picocli.CommandLine.Command} class whose fields and mixins are the options
 */
public interface Magic<A> {
    /** A fresh, unparsed object of the magic's declaration (each call parses into its own). */
    A options();

    /** The type of the value {@link #run} returns (a kernel casts to it so {@code var} binds the real type). */
    Class<?> resultType();

    /**
     * Runs the magic on its parsed options; {@code body} is the cell body for cell magics, else null.
     * Long work checks {@link Thread#interrupted()} and reports progress through the session.
     */
    Object run(Session session, A options, String body) throws Exception;

    /** Whether this is a cell magic ({@code %%name}). */
    default boolean isCell() {
        return false;
    }

    /** Name, help and option names, from the declaration. */
    default MagicSpec spec() {
        return new MagicSpec(options(), isCell());
    }

    /**
     * Parses words and runs; {@code --help} returns the {@link Help} instead.
     *
     * @throws MagicException for bad arguments (one line)
     */
    default Object call(Session session, List<String> words, String body) throws Exception {
        A options = options();
        MagicSpec spec = new MagicSpec(options, isCell());
        if (spec.parse(words)) return new Help(spec);
        List<String> texts = spec.texts();
        if (session.hasModel() && !texts.isEmpty()) {
            org.rome4j.model.UnknownWords.note(session.model(), texts.toArray(String[]::new)).ifPresent(System.err::println);
        }
        try {
            return run(session, options, body);
        } catch (MagicException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // the shared groups' checks (ranges, empty words) say what is wrong without naming the magic
            throw new MagicException(spec.invocation() + ": " + e.getMessage());
        }
    }
}
