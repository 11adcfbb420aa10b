package org.rome4j.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Words a small vocabulary (tiny-facts') does not know read as {@code <unk>}, silently changing a
 * prompt, subject or target. Every command and magic says so in one line; an edit whose target is
 * entirely unknown is refused, since it would teach the model {@code <unk>}.
 */
public final class UnknownWords {
    private UnknownWords() { }

    /** The unknown words of {@code texts}, in order, each once. */
    public static List<String> of(TextTokenizer tok, String... texts) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : texts) {
            if (t != null && !t.isEmpty()) out.addAll(tok.encode(t).unknownWords());
        }
        out.remove("");
        return new ArrayList<>(out);
    }

    /** One line naming the unknown words of {@code texts}, if there are any. */
    public static Optional<String> note(Gpt gpt, String... texts) {
        List<String> words = of(gpt.tokenizer(), texts);
        if (words.isEmpty()) return Optional.empty();
        return Optional.of("note: " + gpt.name() + " does not know the word" + (words.size() == 1 ? " " : "s ")
                + String.join(", ", words.stream().map(w -> "\"" + w + "\"").toList())
                + " (read as <unk>); results for text with them are unreliable");
    }

    /** One line for a dataset: how many of its texts have unknown words, with the first few words, if any. */
    public static Optional<String> noteFor(Gpt gpt, List<String> texts, String what) {
        int with = 0;
        Set<String> words = new LinkedHashSet<>();
        for (String t : texts) {
            List<String> w = of(gpt.tokenizer(), t);
            if (!w.isEmpty()) {
                with++;
                if (words.size() < 5) words.addAll(w);
            }
        }
        if (with == 0) return Optional.empty();
        return Optional.of("note: " + with + " of " + texts.size() + " " + what + " have words " + gpt.name() + " does not know (e.g. "
                + String.join(", ", words.stream().limit(5).map(w -> "\"" + w + "\"").toList()) + "; read as <unk>)");
    }

    /**
     * Refuses a target every token of which is unknown.
     *
     * @throws IllegalArgumentException naming the target
     */
    public static void checkTarget(Gpt gpt, String targetWithSpace, String target) {
        TextTokenizer.Encoded enc = gpt.tokenizer().encode(targetWithSpace);
        // a BOS (no character span) is not part of the target
        List<String> own = new ArrayList<>();
        for (int i = 0; i < enc.size(); i++) {
            if (enc.starts()[i] >= 0) own.add(enc.tokens()[i]);
        }
        boolean allUnknown = !own.isEmpty() && own.stream().allMatch(t -> t.equals("<unk>") || t.equals("[UNK]"));
        if (allUnknown) {
            throw new IllegalArgumentException("target \"" + target + "\" is entirely unknown to " + gpt.name()
                    + " (every token is <unk>): the edit would teach it <unk>; choose a word the model knows");
        }
    }
}
