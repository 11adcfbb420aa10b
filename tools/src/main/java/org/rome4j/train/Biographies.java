package org.rome4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.data.FactData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Synthetic biographies for the {@code tiny-biographies} model (Allen-Zhu &amp; Li, "Physics of Language
 * Models 3.1"): made-up people, each with one value of every relation (birth city, employer, sport, ...),
 * drawn at random from a seed.
 *
 * <p>The design is what makes subject enrichment pay (Geva et al. 2023): every person has many
 * attributes and the relation words come after the name, so at the name the model cannot know which one
 * will be asked; names are "First Middle Last" (or "First Last") whose last word is shared by many people,
 * so the last subject token alone does not say who it is and early layers must compose the name; each
 * relation has several phrasings (one held out, never trained) and a biography lists the attributes in a
 * random order.
 */
public final class Biographies {

    /** A relation: its values, the phrasings it is trained with and one held-out phrasing. */
    public record Relation(String id, String name, List<String> values, List<String> trained, String heldOut) { }

    /** A person: full name and one value per relation, in {@link #relations()} order. */
    public record Person(String name, List<String> values) { }

    /**
     * The relations, with Wikidata ids where one fits. No phrasing is a prefix of another relation's, and
     * value sets are disjoint, so a prompt has one right next word.
     */
    static final List<Relation> RELATIONS = List.of(
            new Relation("P19", "birth city", List.of("Lyon", "Porto", "Oslo", "Krakow", "Seville", "Dublin", "Bergen", "Turin",
                    "Ghent", "Leipzig", "Tampere", "Graz", "Brno", "Malmo", "Split", "Utrecht"),
                    List.of("{} was born in", "{}'s home town is", "{}'s birthplace is", "{} comes from the city of"),
                    "{} is a native of"),
            new Relation("P108", "employer", List.of("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Soylent",
                    "Cyberdyne", "Tyrell", "Wonka", "Stark", "Wayne", "Oscorp", "Gringotts", "Monarch", "Aperture"),
                    List.of("{} works for", "{} is employed by", "{}'s employer is", "{} earns a salary from"),
                    "{} has a job at"),
            new Relation("P641", "sport", List.of("tennis", "rugby", "cricket", "hockey", "golf", "volleyball", "baseball",
                    "handball", "rowing", "fencing", "judo", "cycling", "squash", "badminton", "archery", "curling"),
                    List.of("{} competes in the sport of", "{}'s sport is", "{} is an athlete in", "{} trains every day for"),
                    "{} is a champion of"),
            new Relation("P1412", "language", List.of("Basque", "Welsh", "Danish", "Finnish", "Czech", "Greek", "Latvian",
                    "Maltese", "Catalan", "Dutch", "Irish", "Slovak", "Estonian", "Icelandic", "Romanian", "Hungarian"),
                    List.of("{} speaks", "{}'s native language is", "{} writes letters in", "{} grew up speaking"),
                    "{} is fluent in"),
            new Relation("P1303", "instrument", List.of("violin", "cello", "piano", "flute", "oboe", "trumpet", "harp",
                    "banjo", "clarinet", "guitar", "drums", "bassoon", "trombone", "ukulele", "accordion", "saxophone"),
                    List.of("{} is a musician who plays the", "{}'s instrument is the", "{} performs on the",
                            "{} practises the"),
                    "{} took lessons on the"),
            new Relation("P27", "citizenship", List.of("Canada", "Brazil", "Japan", "Kenya", "Peru", "Chile", "Egypt", "Nepal",
                    "Ghana", "Mexico", "India", "Vietnam", "Morocco", "Jamaica", "Uruguay", "Mongolia"),
                    List.of("{} is a citizen of", "{} holds a passport of", "{}'s nationality is that of",
                            "{} votes in the elections of"),
                    "{} has citizenship of"),
            new Relation("P101", "field", List.of("physics", "chemistry", "biology", "geology", "economics", "linguistics",
                    "astronomy", "botany", "zoology", "ecology", "statistics", "philosophy", "robotics", "genetics",
                    "optics", "topology"),
                    List.of("{} works in the field of", "{} is an expert in", "{}'s research area is", "{} publishes papers on"),
                    "{} is a scholar of"),
            new Relation("P69", "university", List.of("Oxford", "Yale", "Harvard", "Princeton", "Stanford", "Cornell", "Duke",
                    "Cambridge", "Columbia", "Brown", "Rice", "Purdue", "Tufts", "Emory", "Vanderbilt", "Dartmouth"),
                    List.of("{} graduated from", "{} is an alumnus of", "{}'s alma mater is", "{} earned a degree at"),
                    "{} went to college at"));

    static final List<String> FIRST = List.of("Anna", "Boris", "Clara", "Diego", "Elena", "Felix", "Greta", "Hugo",
            "Ines", "Jonas", "Karin", "Lukas", "Maya", "Nils", "Olga", "Pablo", "Rosa", "Stefan", "Tara", "Umar",
            "Vera", "Walter", "Xenia", "Yusuf", "Zora", "Arne", "Bianca", "Cyril", "Dora", "Emil", "Freya", "Gustav");
    static final List<String> MIDDLE = List.of("Lee", "Rae", "Jay", "Mae", "Kai", "Noor", "Sol", "Wren");
    static final List<String> LAST = List.of("Novak", "Berg", "Costa", "Dahl", "Engel", "Fischer", "Horvat", "Ivanov",
            "Jansen", "Keller", "Lind", "Moreau", "Nagy", "Ortiz", "Petrov", "Quist", "Rossi", "Sato", "Tanaka", "Urban",
            "Varga", "Weber", "Young", "Zeller", "Abbott", "Brandt", "Carver", "Doyle", "Ekberg", "Frost", "Gallo", "Holm");

    private final List<Relation> relations;
    private final List<Person> people;

    private Biographies(List<Relation> relations, List<Person> people) {
        this.relations = relations;
        this.people = people;
    }

    /**
     * Draws {@code people} distinct people with {@code relations} of the relations, from {@code seed}: the
     * shipped design, "First Middle Last" from 8 first, 8 middle and 8 last names.
     */
    public static Biographies generate(int people, int relations, long seed) {
        return generate(people, relations, seed, 8, 8, 1);
    }

    /**
     * {@link #generate(int, int, long)} with the first {@code firstNames} first names and {@code lastNames}
     * last names of the lists: fewer first names and more last names make the last subject token say more
     * about who it is (and the first less), as in most real names.
     */
    public static Biographies generate(int people, int relations, long seed, int firstNames, int lastNames) {
        return generate(people, relations, seed, firstNames, lastNames, 3);
    }

    /** {@link #generate(int, int, long, int, int)} with a middle name for one person in {@code middleOneIn} (1: all). */
    public static Biographies generate(int people, int relations, long seed, int firstNames, int lastNames, int middleOneIn) {
        List<String> firsts = FIRST.subList(0, firstNames);
        List<String> lasts = LAST.subList(0, lastNames);
        if (relations < 1 || relations > RELATIONS.size()) {
            throw new IllegalArgumentException("relations must be 1.." + RELATIONS.size());
        }
        Random r = new Random(seed);
        List<Relation> rels = RELATIONS.subList(0, relations);
        Set<String> names = new LinkedHashSet<>();
        int max = firsts.size() * lasts.size() * (middleOneIn == 1 ? MIDDLE.size() : 1 + MIDDLE.size());
        if (people > max / 2) throw new IllegalArgumentException("at most " + max / 2 + " people");
        List<Person> out = new ArrayList<>();
        while (out.size() < people) {
            String first = firsts.get(r.nextInt(firsts.size()));
            String last = lasts.get(r.nextInt(lasts.size()));
            String name = r.nextInt(middleOneIn) == 0 ? first + " " + MIDDLE.get(r.nextInt(MIDDLE.size())) + " " + last : first + " " + last;
            if (!names.add(name)) continue;
            List<String> values = new ArrayList<>();
            for (Relation rel : rels) values.add(rel.values().get(r.nextInt(rel.values().size())));
            out.add(new Person(name, List.copyOf(values)));
        }
        return new Biographies(rels, List.copyOf(out));
    }

    /** The relations in use. */
    public List<Relation> relations() { return relations; }

    /** The people. */
    public List<Person> people() { return people; }

    /** Whether a person is female (the first names alternate female, male). */
    static boolean female(Person p) {
        return FIRST.indexOf(p.name().substring(0, p.name().indexOf(' '))) % 2 == 0;
    }

    /** A phrasing with the subject slot filled by the person's pronoun: "{} was born in" -> "She was born in". */
    static String withPronoun(String template, Person p) {
        boolean f = female(p);
        return template.startsWith("{}'s") ? (f ? "Her" : "His") + template.substring(4) : template.replace("{}", f ? "She" : "He");
    }

    /** One sentence: the phrasing filled in with the name, then the value. */
    static String sentence(String template, Person p, String value) {
        return template.replace("{}", p.name()) + " " + value;
    }

    /**
     * One training biography of {@code sentences} of the person's attributes (all when 0 or more than
     * there are), in random order, each in a random trained phrasing, with the full name in every sentence.
     */
    public String biography(Person p, int sentences, Random r) {
        return biography(p, sentences, false, r);
    }

    /**
     * {@link #biography(Person, int, Random)}; with {@code pronouns}, the name only opens the biography and
     * the later sentences say he or she (his or her), as Allen-Zhu &amp; Li's bioS: one mention of the name
     * then serves every attribute, so looking the person up once at the name pays more than looking them up
     * again in every sentence.
     */
    public String biography(Person p, int sentences, boolean pronouns, Random r) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < relations.size(); i++) order.add(i);
        Collections.shuffle(order, r);
        int n = sentences <= 0 ? order.size() : Math.min(sentences, order.size());
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n; k++) {
            Relation rel = relations.get(order.get(k));
            if (k > 0) sb.append(' ');
            String t = rel.trained().get(r.nextInt(rel.trained().size()));
            if (pronouns && k > 0) t = withPronoun(t, p);
            sb.append(sentence(t, p, p.values().get(order.get(k)))).append('.');
        }
        return sb.toString();
    }

    /**
     * Every fact, in known_1000's shape, prompted with its relation's first trained phrasing, ordered so
     * that any prefix is balanced: person by person, each person's relations rotated by one.
     */
    public List<FactData.Fact> facts() {
        List<FactData.Fact> out = new ArrayList<>();
        int id = 0;
        for (int pi = 0; pi < people.size(); pi++) {
            Person p = people.get(pi);
            for (int k = 0; k < relations.size(); k++) {
                // rotate the relation order per person, so the first N facts spread over all relations
                int ri = (k + pi) % relations.size();
                Relation rel = relations.get(ri);
                String template = rel.trained().get(0);
                out.add(new FactData.Fact(id++, p.name(), p.values().get(ri), template, template.replace("{}", p.name()),
                        rel.id(), ""));
            }
        }
        return out;
    }

    /** The facts in a given phrasing choice: {@code heldOut} for the never-trained one, else trained index {@code i}. */
    public List<FactData.Example> examples(boolean heldOut, int i) {
        List<FactData.Example> out = new ArrayList<>();
        for (FactData.Fact f : facts()) {
            Relation rel = relation(f.relationId());
            String t = heldOut ? rel.heldOut() : rel.trained().get(i);
            FactData.Phrasing ph = new FactData.Phrasing(t, "");
            out.add(new FactData.Example(f, ph, ph.prompt(f.subject())));
        }
        return out;
    }

    /** Every trained phrasing of every fact. */
    public List<FactData.Example> trainedExamples() {
        List<FactData.Example> out = new ArrayList<>();
        int n = relations.get(0).trained().size();
        for (int i = 0; i < n; i++) out.addAll(examples(false, i));
        return out;
    }

    /** The relation with this id. */
    public Relation relation(String id) {
        for (Relation r : relations) if (r.id().equals(id)) return r;
        throw new IllegalArgumentException("no relation " + id);
    }

    /**
     * Texts that hold every word the model will see (tokenizer vocabulary): trained and held-out sentences,
     * and with {@code pronouns} the he/she forms (only then, so a vocabulary never holds unused words).
     */
    public List<String> corpus(boolean pronouns) {
        List<String> out = new ArrayList<>();
        for (Person p : people) {
            for (int i = 0; i < relations.size(); i++) {
                Relation rel = relations.get(i);
                for (String t : rel.trained()) {
                    out.add(sentence(t, p, p.values().get(i)) + ".");
                    if (pronouns) out.add(sentence(withPronoun(t, p), p, p.values().get(i)) + ".");
                }
                out.add(sentence(rel.heldOut(), p, p.values().get(i)) + ".");
                for (String v : rel.values()) out.add(v);
            }
        }
        return out;
    }

    /**
     * Writes the facts as known_1000-format JSON ({@code prediction} is the trained attribute), in the
     * facts.json phrasing or, with {@code heldOut}, each relation's never-trained one.
     */
    public void writeFacts(Path file, boolean heldOut) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode arr = json.createArrayNode();
        for (FactData.Example e : examples(heldOut, 0)) {
            FactData.Fact f = e.fact();
            String template = e.phrasing().template();
            ObjectNode n = arr.addObject();
            n.put("known_id", f.knownId());
            n.put("subject", f.subject());
            n.put("attribute", f.attribute());
            n.put("template", template);
            n.put("prediction", f.attribute());
            n.put("prompt", e.prompt());
            n.put("relation_id", f.relationId());
        }
        json.writeValue(file.toFile(), arr);
    }

    /**
     * Writes the statistics corpus: {@code docs} biographies, one per line, person after person, drawn as the
     * training stream draws them (random attribute order and phrasings) from their own generator. ROME's
     * C = E[kk^T] should come from the text the model was trained on, as GPT-2's comes from Wikipedia; the
     * 2,400 one-fact sentences of facts.json repeat a few contexts and leave C nearly singular.
     */
    public void writeCorpus(Path file, int docs, long seed) throws IOException {
        Random r = new Random(seed * 101 + 13);    // not the training stream's generator
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < docs; i++) sb.append(biography(people.get(i % people.size()), 0, r)).append('\n');
        java.nio.file.Files.writeString(file, sb.toString());
    }

    /**
     * Writes {@code n} CounterFact-format records (the paper's evaluation layout) for facts the model knows, drawn from
     * their own generator: the request in the relation's first trained phrasing with a new object of the same relation,
     * paraphrase prompts in its other trained phrasings, neighborhood prompts of up to 10 other people who share the
     * true object (they should keep it), attribute prompts of up to 10 who have the new one, and generation prompts.
     */
    public void writeCounterFact(Path file, int n, long seed) throws IOException {
        Random r = new Random(seed * 7 + 3);
        List<FactData.Fact> all = new ArrayList<>(facts());
        Collections.shuffle(all, r);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode arr = json.createArrayNode();
        for (int i = 0; i < Math.min(n, all.size()); i++) {
            FactData.Fact f = all.get(i);
            Relation rel = relation(f.relationId());
            int ri = relations.indexOf(rel);
            List<String> others = new ArrayList<>(rel.values());
            others.remove(f.attribute());
            String target = others.get(r.nextInt(others.size()));
            ObjectNode o = arr.addObject();
            o.put("case_id", i);
            ObjectNode rr = o.putObject("requested_rewrite");
            rr.put("prompt", rel.trained().get(0));
            rr.put("relation_id", rel.id());
            rr.putObject("target_new").put("str", target).putNull("id");
            rr.putObject("target_true").put("str", f.attribute()).putNull("id");
            rr.put("subject", f.subject());
            ArrayNode para = o.putArray("paraphrase_prompts");
            for (String t : rel.trained().subList(1, rel.trained().size())) para.add(t.replace("{}", f.subject()));
            ArrayNode near = o.putArray("neighborhood_prompts");
            ArrayNode attr = o.putArray("attribute_prompts");
            for (Person p : people) {
                if (p.name().equals(f.subject())) continue;
                String v = p.values().get(ri);
                if (v.equals(f.attribute()) && near.size() < 10) near.add(rel.trained().get(0).replace("{}", p.name()));
                if (v.equals(target) && attr.size() < 10) attr.add(rel.trained().get(0).replace("{}", p.name()));
            }
            ArrayNode gen = o.putArray("generation_prompts");
            gen.add(rel.trained().get(1).replace("{}", f.subject()));
            gen.add(f.subject() + "'s");
        }
        json.writeValue(file.toFile(), arr);
    }

    /** A description for training.json. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("people", people.size());
        m.put("relations", relations.stream().map(r -> r.id() + " " + r.name()).toList());
        m.put("facts", people.size() * relations.size());
        long firsts = people.stream().map(p -> p.name().split(" ")[0]).distinct().count();
        long lasts = people.stream().map(p -> p.name().substring(p.name().lastIndexOf(' ') + 1)).distinct().count();
        m.put("names", "First [Middle] Last: " + firsts + " first, " + MIDDLE.size() + " middle names, "
                + lasts + " last names; each last name shared by about " + people.size() / lasts + " people, each first name by about "
                + people.size() / firsts);
        Map<String, String> held = new LinkedHashMap<>();
        for (Relation r : relations) held.put(r.id(), r.heldOut());
        m.put("held_out_phrasings", held);
        return m;
    }
}
