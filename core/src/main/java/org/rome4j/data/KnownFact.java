package org.rome4j.data;

/**
 * One fact of a known_1000-format file (ROME's {@code KnownsDataset}).
 *
 * @param id         {@code known_id}
 * @param subject    the subject, as it appears in the prompt
 * @param attribute  the object the model should produce
 * @param template   the relation template, {@code {}} standing for the subject
 * @param prediction GPT-2 XL's continuation when the file was made
 * @param prompt     the prompt to trace: the template filled in, plus any words before the attribute
 * @param relationId Wikidata relation id, e.g. P17
 */
public record KnownFact(int id, String subject, String attribute, String template, String prediction, String prompt,
                        String relationId) {
}
