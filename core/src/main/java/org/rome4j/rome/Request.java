package org.rome4j.rome;

/**
 * One rewrite: a prompt template with {@code {}} where the subject goes, the subject, the new target
 * and (optionally, for reporting) the true object.
 *
 * <pre>{@code
 * Request r = Request.of("{} plays the sport of", "Michael Jordan", "football");
 * r.text();   // "Michael Jordan plays the sport of"
 * }</pre>
 *
 * @param prompt     template containing {@code {}} exactly once
 * @param subject    the subject, non-empty
 * @param targetNew  the new object; a leading space is added when missing (as the original does)
 * @param targetTrue the current object, or null when unknown
 */
public record Request(String prompt, String subject, String targetNew, String targetTrue) {

    /** Validates with one-line messages that name the fix. */
    public Request {
        if (prompt == null || !prompt.contains("{}")) {
            throw new IllegalArgumentException("prompt template \"" + prompt + "\" has no {}: write it with {} where the "
                    + "subject goes, e.g. \"{} plays the sport of\"");
        }
        if (prompt.indexOf("{}") != prompt.lastIndexOf("{}")) {
            throw new IllegalArgumentException("prompt template \"" + prompt + "\" has {} more than once: use it once, for the subject");
        }
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("empty subject: give the subject the prompt is about, e.g. --subject \"Michael Jordan\"");
        }
        if (targetNew == null || targetNew.isBlank()) {
            throw new IllegalArgumentException("empty target: give the new object, e.g. --target football");
        }
        if (targetTrue != null && targetTrue.isBlank()) targetTrue = null;
    }

    /** A request without a known true object. */
    public static Request of(String prompt, String subject, String targetNew) {
        return new Request(prompt, subject, targetNew, null);
    }

    /**
     * A request from a full prompt that contains the subject, e.g. ("Michael Jordan plays the sport
     * of", "Michael Jordan"): the first occurrence of the subject becomes {@code {}}.
     *
     * @throws IllegalArgumentException if the subject is not in the prompt
     */
    public static Request fromText(String text, String subject, String targetNew, String targetTrue) {
        if (text.contains("{}")) return new Request(text, subject, targetNew, targetTrue);
        int at = subject == null || subject.isEmpty() ? -1 : text.indexOf(subject);
        if (at < 0) {
            throw new IllegalArgumentException("subject \"" + subject + "\" is not in the prompt \"" + text
                    + "\": write the prompt so it contains the subject exactly (case-sensitive), or use {} for it");
        }
        return new Request(text.substring(0, at) + "{}" + text.substring(at + subject.length()), subject, targetNew, targetTrue);
    }

    /** The prompt with the subject filled in. */
    public String text() {
        return fill(prompt, subject);
    }

    /** The new target with the leading space the original adds ({@code execute_rome}). */
    public String targetWithSpace() {
        return targetNew.startsWith(" ") ? targetNew : " " + targetNew;
    }

    /** Replaces the first {@code {}} of a template (Python's {@code str.format} with one field). */
    public static String fill(String template, String value) {
        int i = template.indexOf("{}");
        if (i < 0) throw new IllegalArgumentException("template \"" + template + "\" has no {}");
        return template.substring(0, i) + value + template.substring(i + 2);
    }
}
