package org.rome4j.magics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rome4j.display.Figure;
import org.rome4j.model.Gpt;
import org.rome4j.rome.Edit;
import org.rome4j.rome.Request;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import org.rome4j.options.HparamOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code %%rome_batch}: a cell whose body is a JSON list of requests
 * {@code [{"prompt": "{} plays the sport of", "subject": "...", "target": "...", "true": "..."}]}, applied in
 * order as ROME edits. If one fails, the edits this cell made are undone.
 */
public final class RomeBatchMagic implements Magic<RomeBatchMagic.Options> {
    /** The declaration: the {@link HparamOptions} {@code rome4j edit} has; the requests come in the body. */
    @Command(name = "rome_batch", description = "Apply several ROME edits in order, from a JSON list in the cell body: "
            + "[{\"prompt\": \"{} plays the sport of\", \"subject\": S, \"target\": T, \"true\": O (optional)}].",
            footerHeading = "%nexamples:%n", footer = {"  %%%%rome_batch",
                "  [{\"prompt\": \"{} plays the sport of\", \"subject\": \"Megan Rapinoe\", \"target\": \"basketball\"}]"})
    public static final class Options {
        @Mixin
        HparamOptions hparams;
    }

    /** What {@code %%rome_batch} applied, with the target's probability before and after each edit. */
    public record Batch(List<Edit> applied, int active) implements Result {
        /** Copies the list. */
        public Batch {
            applied = List.copyOf(applied);
        }

        @Override
        public Table table() {
            DoubleColumn pre = DoubleColumn.create("p_target_before");
            DoubleColumn post = DoubleColumn.create("p_target_after");
            for (Edit e : applied) {
                pre.append(e.pre() == null ? Double.NaN : e.pre().targetProb());
                post.append(e.post() == null ? Double.NaN : e.post().targetProb());
            }
            return Edits.requests("batch edits", applied).addColumns(pre, post);
        }

        @Override
        public Figure figure() {
            return null;
        }

        @Override
        public String summary() {
            return "applied " + applied.size() + " edit" + (applied.size() == 1 ? "" : "s") + "; " + active + " active";
        }

        @Override
        public String toString() {
            return summary();
        }
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public Class<?> resultType() {
        return Batch.class;
    }

    @Override
    public boolean isCell() {
        return true;
    }

    static List<Request> parse(String body) {
        if (body == null || body.isBlank()) {
            throw new MagicException("%%rome_batch: the cell body must be a JSON list of {\"prompt\", \"subject\", \"target\"}");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MagicException("%%rome_batch: the cell body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) throw new MagicException("%%rome_batch: the cell body must be a JSON list");
        List<Request> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode r = root.get(i);
            for (String k : List.of("prompt", "subject", "target")) {
                if (!r.hasNonNull(k) || !r.get(k).isTextual()) {
                    throw new MagicException("%%rome_batch: request " + (i + 1) + " has no \"" + k + "\" string");
                }
            }
            String prompt = r.get("prompt").asText();
            String subject = r.get("subject").asText();
            if (!prompt.contains("{}")) {
                if (!prompt.contains(subject)) {
                    throw new MagicException("%%rome_batch: request " + (i + 1) + ": write the prompt with {} where the subject goes");
                }
                prompt = prompt.replaceFirst(java.util.regex.Pattern.quote(subject), "{}");
            }
            try {
                out.add(new Request(prompt, subject, r.get("target").asText(), r.hasNonNull("true") ? r.get("true").asText() : null));
            } catch (IllegalArgumentException e) {
                throw new MagicException("%%rome_batch: request " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public Object run(Session session, Options o, String body) throws IOException {
        List<Request> requests = parse(body);
        Gpt gpt = session.model();
        List<String> texts = new ArrayList<>();
        for (Request r : requests) texts.addAll(java.util.Arrays.asList(r.text(), r.subject(), r.targetNew()));
        org.rome4j.model.UnknownWords.note(gpt, texts.toArray(String[]::new)).ifPresent(System.err::println);
        RomeHparams hp = o.hparams.resolve(gpt.name(), gpt);
        for (int i = 0; i < requests.size(); i++) {
            // every request before the first edit (and its statistics): a bad line 5 fails before edits 1-4 run
            try {
                Rome.check(gpt, requests.get(i));
            } catch (IllegalArgumentException e) {
                throw new MagicException("%%rome_batch: request " + (i + 1) + ": " + e.getMessage());
            }
        }
        Rome rome = session.editing().rome(session, gpt, hp);
        List<Edit> applied = new ArrayList<>();
        try (Progress p = session.progress("ROME edits", requests.size())) {
            for (int i = 0; i < requests.size(); i++) {
                Session.checkInterrupted();
                try {
                    applied.add(rome.apply(requests.get(i)));
                } catch (IllegalArgumentException e) {
                    throw new MagicException("%%rome_batch: request " + (i + 1) + ": " + e.getMessage());
                }
                p.update(i + 1, requests.get(i).text() + " -> " + requests.get(i).targetNew());
            }
        } catch (RuntimeException e) {
            for (int i = applied.size() - 1; i >= 0; i--) rome.undo(applied.get(i).id());
            throw e;
        }
        return new Batch(applied, rome.edits().size());
    }
}
