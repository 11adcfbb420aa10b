package org.rome4j.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.rome.Request;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Builds a CounterFact-format benchmark from known_1000 facts (the full CounterFact file is not
 * available offline). Per fact, deterministically from a seed:
 * <ul>
 *   <li>target_new: another attribute of the same relation (uniform among the relation's others);</li>
 *   <li>paraphrase prompts: the relation's other templates with the subject (up to {@value #MAX_PARAPHRASES});</li>
 *   <li>neighborhood prompts: prompts of other subjects of the same relation with the same true
 *       attribute; when there are none, of other subjects of the same relation (up to {@value #MAX_NEIGHBORS});</li>
 *   <li>attribute prompts: prompts of subjects whose attribute is target_new;</li>
 *   <li>generation prompts: the rewrite prompt and the paraphrases.</li>
 * </ul>
 * Facts whose relation has a single attribute are skipped (there is no counterfactual target).
 */
public final class Known1000Benchmark {
    /** The shipped benchmark built from {@code known_1000.json} with seed 0. */
    public static final String RESOURCE = "/rome4j/data/known_1000_counterfact.json";
    static final int MAX_PARAPHRASES = 2;
    static final int MAX_NEIGHBORS = 10;

    private Known1000Benchmark() { }

    /** Builds the records. */
    public static List<CounterFactRecord> build(List<KnownFact> facts, long seed) {
        Map<String, List<KnownFact>> byRel = new LinkedHashMap<>();
        for (KnownFact f : facts) byRel.computeIfAbsent(f.relationId(), k -> new ArrayList<>()).add(f);
        List<CounterFactRecord> out = new ArrayList<>();
        for (KnownFact f : facts) {
            List<KnownFact> rel = byRel.get(f.relationId());
            List<String> attrs = new ArrayList<>(new LinkedHashSet<>(rel.stream().map(KnownFact::attribute).toList()));
            attrs.remove(f.attribute());
            if (attrs.isEmpty() || !f.prompt().contains(f.subject())) continue;
            Random rng = new Random(seed * 1_000_003L + f.id());
            String newTarget = attrs.get(rng.nextInt(attrs.size()));
            Set<String> templates = new LinkedHashSet<>();
            for (KnownFact o : rel) {
                if (!o.template().equals(f.template()) && o.template().contains("{}")) templates.add(o.template());
            }
            List<String> para = new ArrayList<>();
            for (String t : templates) {
                if (para.size() == MAX_PARAPHRASES) break;
                para.add(t.replace("{}", f.subject()));
            }
            List<String> neighbors = pick(rel, o -> !o.subject().equals(f.subject()) && o.attribute().equals(f.attribute()), rng);
            if (neighbors.isEmpty()) neighbors = pick(rel, o -> !o.subject().equals(f.subject()), rng);
            List<String> attrPrompts = pick(rel, o -> o.attribute().equals(newTarget) && !o.subject().equals(f.subject()), rng);
            List<String> gen = new ArrayList<>();
            gen.add(f.prompt());
            gen.addAll(para);
            Request req = Request.fromText(f.prompt(), f.subject(), newTarget, f.attribute());
            out.add(new CounterFactRecord(f.id(), f.relationId(), req, null, para, neighbors, attrPrompts, gen));
        }
        return List.copyOf(out);
    }

    private static List<String> pick(List<KnownFact> rel, java.util.function.Predicate<KnownFact> keep, Random rng) {
        List<String> xs = new ArrayList<>(new LinkedHashSet<>(rel.stream().filter(keep).map(KnownFact::prompt).toList()));
        java.util.Collections.shuffle(xs, rng);
        return List.copyOf(xs.subList(0, Math.min(MAX_NEIGHBORS, xs.size())));
    }

    /** Reads known_1000.json, builds the benchmark and writes it as a CounterFact JSON list. */
    public static List<CounterFactRecord> write(Path known1000, Path out, long seed) throws IOException {
        List<CounterFactRecord> recs = build(KnownFacts.read(known1000), seed);
        ArrayNode a = new ObjectMapper().createArrayNode();
        recs.forEach(r -> a.add(r.toJson()));
        org.rome4j.io.Outputs.atomic(out, tmp -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), a));
        return recs;
    }

    /** {@code Known1000Benchmark KNOWN_1000.json OUT.json [SEED]}: regenerates the shipped file. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Known1000Benchmark KNOWN_1000.json OUT.json [SEED]");
            System.exit(2);
        }
        List<CounterFactRecord> recs = write(Path.of(args[0]), Path.of(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 0);
        System.out.println("wrote " + recs.size() + " records to " + args[1]);
    }
}
