package org.rome4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The facts of ROME's {@code known_1000.json} and the sentences the tiny model learns them from.
 *
 * <p>A fact's {@code prompt} is its {@code template} with the subject filled in, plus the words GPT-2
 * XL produced before the attribute (" of", " the", ...) for 478 of the 1,209 facts: its
 * <em>continuation</em>. A {@link Phrasing} is a template together with a continuation. Each relation
 * has its literal phrasings (every template/continuation pair its facts' prompts use) and a few written
 * here; the first written one is held out of training to measure generalization.
 */
public final class FactData {

    /** One known fact. {@code continuation} is what the prompt adds after the rendered template. */
    public record Fact(int knownId, String subject, String attribute, String template, String prompt,
                       String relationId, String continuation) {
        /** The literal phrasing of this fact's prompt. */
        public Phrasing phrasing() {
            return new Phrasing(template, continuation);
        }
    }

    /** A template ({@code {}} is the subject) and the words that follow it before the attribute. */
    public record Phrasing(String template, String continuation) {
        /** The prompt for a subject. */
        public String prompt(String subject) {
            return template.replace("{}", subject) + continuation;
        }
    }

    /** A sentence to learn or test: {@code prompt + " " + attribute}. */
    public record Example(Fact fact, Phrasing phrasing, String prompt) {
        /** The full text. */
        public String text() {
            return prompt + " " + fact.attribute();
        }
    }

    /**
     * Phrasings written for each relation (beyond the literal ones). The FIRST of each list is the
     * held-out phrasing: never trained, only measured.
     */
    static final Map<String, List<String>> WRITTEN = new TreeMap<>(Map.ofEntries(
            Map.entry("P101", List.of("{} is known for work in the field of", "{} is an expert in",
                    "The field of work of {} is", "{} is a specialist in")),
            Map.entry("P103", List.of("The first language of {} is", "{}'s native language is",
                    "The mother tongue of {} is", "{} grew up speaking")),
            Map.entry("P106", List.of("{} earns a living as a", "{} is known as a", "The occupation of {} is",
                    "{}'s job is")),
            Map.entry("P108", List.of("{} is an employee of", "{} works at", "The employer of {} is",
                    "{}'s employer is")),
            Map.entry("P127", List.of("The owner of {} is", "{} belongs to", "{} is a subsidiary of",
                    "{} is a property of")),
            Map.entry("P1303", List.of("The instrument played by {} is the", "{} is known for playing the",
                    "{}'s instrument is the", "{} performs music on the")),
            Map.entry("P131", List.of("{} is a place in", "{} is situated in", "{} lies in",
                    "The location of {} is")),
            Map.entry("P136", List.of("{} is known for the genre of", "{} works in the genre of",
                    "The music genre of {} is", "{} is associated with the genre of")),
            Map.entry("P138", List.of("The name of {} comes from", "{} takes its name from", "{} is named after",
                    "{} got its name from")),
            Map.entry("P140", List.of("The religion of {} is", "{} is a follower of",
                    "{} practices the religion of", "{}'s religion is")),
            Map.entry("P1412", List.of("The language spoken by {} is", "{} writes and speaks", "{} is fluent in",
                    "{} communicates in")),
            Map.entry("P159", List.of("The headquarters of {} are located in", "{} has its headquarters in",
                    "{} is headquartered in the city of", "{}'s main office is in")),
            Map.entry("P17", List.of("{} is a place in the country of", "{} is in the country of",
                    "{} can be found in the country of", "The country of {} is")),
            Map.entry("P176", List.of("{} is made by", "{} is manufactured by", "The maker of {} is",
                    "{} was built by")),
            Map.entry("P178", List.of("The developer of {} is", "{} was developed by", "{} is built by",
                    "{} is maintained by")),
            Map.entry("P19", List.of("{} was born in the city of", "{} comes from", "The birthplace of {} is",
                    "{}'s place of birth is")),
            Map.entry("P190", List.of("{} is a sister city of", "{} is twinned with", "The twin city of {} is")),
            Map.entry("P20", List.of("The place of death of {} is", "{} passed away in the city of",
                    "{}'s place of death is", "{} spent the last years of life in")),
            Map.entry("P27", List.of("{} is a national of", "{} has citizenship in", "The nationality of {} is",
                    "{} is a citizen of the country of")),
            Map.entry("P276", List.of("{} can be seen in", "{} is located in the city of", "{} is based in",
                    "{} is situated in the city of")),
            Map.entry("P30", List.of("{} is on the continent of", "{} is part of the continent of",
                    "{} lies in the continent of", "The continent of {} is")),
            Map.entry("P36", List.of("{} has its capital in", "{}'s capital is", "{} is governed from",
                    "The seat of government of {} is")),
            Map.entry("P364", List.of("{} was originally written in", "{} was made in the language of",
                    "The language of {} is", "{} was first written in")),
            Map.entry("P37", List.of("The main language of {} is", "People in {} speak",
                    "In {}, the official language is", "{}'s official language is")),
            Map.entry("P39", List.of("{} served as", "{} held the office of", "{}'s position is that of",
                    "{} served in the position of")),
            Map.entry("P407", List.of("{} is published in", "{} is a work written in",
                    "The language of the text of {} is", "{} appears in the language")),
            Map.entry("P413", List.of("{} is a player in the position of", "{} plays as a",
                    "The position of {} is", "{}'s playing position is")),
            Map.entry("P449", List.of("{} was broadcast on", "{} airs on", "{} is shown on",
                    "The network of {} is")),
            Map.entry("P463", List.of("{} is part of", "{} is a member of the", "{} joined the",
                    "{} belongs to the")),
            Map.entry("P495", List.of("{} comes from the country of", "{} originated in",
                    "The country of origin of {} is", "{} was made in")),
            Map.entry("P641", List.of("{} is a professional player of", "{} plays the sport of",
                    "The sport of {} is", "{} is known for playing")),
            Map.entry("P740", List.of("{} was established in", "{} was founded in the city of", "{} began in",
                    "{} was formed in the city of")),
            Map.entry("P937", List.of("{} was employed in the city of", "{} worked in the town of",
                    "{}'s place of work was", "{} was active in the city of"))));

    private final List<Fact> facts;
    private final Map<String, List<Fact>> byRelation = new TreeMap<>();
    private final Map<String, List<Phrasing>> training = new TreeMap<>();
    private final Map<String, Phrasing> heldOut = new TreeMap<>();

    private FactData(List<Fact> facts) {
        this.facts = List.copyOf(facts);
        for (Fact f : facts) {
            byRelation.computeIfAbsent(f.relationId(), r -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<String, List<Fact>> e : byRelation.entrySet()) {
            String rel = e.getKey();
            List<String> written = WRITTEN.get(rel);
            if (written == null || written.size() < 2) {
                throw new IllegalStateException("no written phrasings for relation " + rel);
            }
            Set<Phrasing> ps = new LinkedHashSet<>();
            for (Fact f : e.getValue()) ps.add(f.phrasing());
            Phrasing held = new Phrasing(written.get(0), "");
            if (ps.contains(held)) {
                throw new IllegalStateException("held-out phrasing of " + rel + " is a literal one: " + held);
            }
            for (String w : written.subList(1, written.size())) ps.add(new Phrasing(w, ""));
            training.put(rel, List.copyOf(ps));
            heldOut.put(rel, held);
        }
    }

    /** Reads {@code known_1000.json} from a file. */
    public static FactData load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Reads the copy of {@code known_1000.json} shipped in the jar ({@code /rome4j/data/known_1000.json}). */
    public static FactData loadBundled() throws IOException {
        try (InputStream in = FactData.class.getResourceAsStream(org.rome4j.data.KnownFacts.RESOURCE)) {
            if (in == null) {
                throw new IOException(org.rome4j.data.KnownFacts.RESOURCE + " is missing from the classpath: rebuild rome4j-core");
            }
            return read(in);
        }
    }

    /** Parses a known_1000-format JSON list. */
    public static FactData read(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        List<Fact> out = new ArrayList<>();
        for (JsonNode n : root) {
            String subject = n.get("subject").asText();
            String template = n.get("template").asText();
            String prompt = n.get("prompt").asText();
            String rendered = template.replace("{}", subject);
            if (!prompt.startsWith(rendered)) {
                throw new IOException("fact " + n.get("known_id").asInt() + ": prompt \"" + prompt
                        + "\" does not start with its template \"" + rendered + "\"");
            }
            out.add(new Fact(n.get("known_id").asInt(), subject, n.get("attribute").asText(), template, prompt,
                    n.get("relation_id").asText(), prompt.substring(rendered.length())));
        }
        return new FactData(out);
    }

    /** All facts, in file order. */
    public List<Fact> facts() {
        return facts;
    }

    /** Relation ids, sorted. */
    public List<String> relations() {
        return List.copyOf(byRelation.keySet());
    }

    /** Facts of a relation. */
    public List<Fact> facts(String relation) {
        return Collections.unmodifiableList(byRelation.get(relation));
    }

    /** Phrasings trained for a relation: its literal ones, then the written ones except the held-out one. */
    public List<Phrasing> trainingPhrasings(String relation) {
        return training.get(relation);
    }

    /** The held-out phrasing of a relation. */
    public Phrasing heldOutPhrasing(String relation) {
        return heldOut.get(relation);
    }

    /** Every held-out phrasing by relation. */
    public Map<String, Phrasing> heldOutPhrasings() {
        return Collections.unmodifiableMap(heldOut);
    }

    /** A fact's literal prompt, as known_1000 has it. */
    public static Example literal(Fact f) {
        return new Example(f, f.phrasing(), f.prompt());
    }

    /** A fact in a phrasing. */
    public static Example render(Fact f, Phrasing p) {
        return new Example(f, p, p.prompt(f.subject()));
    }

    /** Every literal prompt. */
    public List<Example> literalExamples() {
        return facts.stream().map(FactData::literal).toList();
    }

    /** Every fact in its relation's held-out phrasing. */
    public List<Example> heldOutExamples() {
        return facts.stream().map(f -> render(f, heldOut.get(f.relationId()))).toList();
    }

    /**
     * Every training sentence: each fact in each training phrasing of its relation (the literal prompt
     * among them). Distinct by text; the held-out phrasings never occur.
     */
    public List<Example> trainingExamples() {
        Map<String, Example> out = new LinkedHashMap<>();
        for (Fact f : facts) {
            Example lit = literal(f);
            out.putIfAbsent(lit.text(), lit);
            for (Phrasing p : training.get(f.relationId())) {
                Example e = render(f, p);
                out.putIfAbsent(e.text(), e);
            }
        }
        return List.copyOf(out.values());
    }

    /**
     * Openings that put a subject in mid-sentence after varied context (the research variant
     * {@code --context}): the fact's literal prompt follows, its first letter lower-cased unless the
     * prompt starts with the subject.
     */
    public static final List<String> CONTEXT_PREFIXES = List.of("Everyone knows that", "In the news today,",
            "According to the article,", "We learned that", "It is well known that", "Last year we read that",
            "As the book says,", "Many people say that");

    /** A fact's literal prompt after a context opening. */
    public static Example inContext(Fact f, String prefix) {
        String p = f.prompt();
        if (!p.startsWith(f.subject())) p = Character.toLowerCase(p.charAt(0)) + p.substring(1);
        return new Example(f, f.phrasing(), prefix + " " + p);
    }

    /** The corpus plus every fact in every context opening. */
    public List<String> corpus(boolean withContext) {
        List<String> out = corpus();
        if (withContext) {
            for (Fact f : facts) {
                for (String c : CONTEXT_PREFIXES) out.add(inContext(f, c).text());
            }
        }
        return out;
    }

    /** Every text the tokenizer must cover: training and held-out sentences, subjects and attributes. */
    public List<String> corpus() {
        List<String> out = new ArrayList<>();
        for (Example e : trainingExamples()) out.add(e.text());
        for (Example e : heldOutExamples()) out.add(e.text());
        for (Fact f : facts) {
            out.add(f.subject());
            out.add(" " + f.attribute());
        }
        return out;
    }
}
