package org.rome4j.magics;

import org.rome4j.model.Gpt;
import org.rome4j.model.ModelSave;
import org.rome4j.model.Models;
import org.rome4j.options.Declared;
import org.rome4j.options.HparamOptions;
import org.rome4j.rome.Edit;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.Request;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code %rome_edit}, {@code %rome_undo}, {@code %edits}, {@code %rome_save}: ROME edits of the current model. */
final class RomeMagics {
    private RomeMagics() { }

    /** The options every editing magic takes: the shared {@link HparamOptions} (--hparams, --layer, --fact-token). */
    static Spec romeOptions(Spec s) {
        return s.options(new HparamOptions());
    }

    static RomeHparams hparams(String magic, Gpt gpt, Spec.Parsed a) throws IOException {
        try {
            return Declared.from(new HparamOptions(), a::has, a::get).resolve(gpt.name(), gpt);
        } catch (IllegalArgumentException e) {
            throw new MagicException(magic + ": " + e.getMessage());
        }
    }

    /** {@code %rome_edit "{} plays the sport of" --subject S --target T [--true O] [--layer L] [--hparams F] [--stats F.npz]}. */
    static final class EditMagic implements Magic {
        private final Spec spec = new Spec("rome_edit",
                "Rewrite a fact with ROME (a rank-one update of one MLP) and show predictions before and after.")
                .positional("prompt", "the prompt with {} where the subject goes (quote it)", true)
                .option("subject", "S", null, "the subject (required)")
                .option("target", "T", null, "the new object (required)")
                .option("true", "O", null, "the current object, to report its probability")
                .with(RomeMagics::romeOptions)
                .option("stats", "F.npz", null, "key statistics for the layer (default: computed, see %stats)")
                .example("%rome_edit \"{} professionally plays the sport of\" --subject \"Megan Rapinoe\" --target basketball");

        @Override
        public Spec spec() {
            return spec;
        }

        @Override
        public Class<?> resultType() {
            return EditResult.class;
        }

        @Override
        public Object run(Session session, Spec.Parsed a, String body) throws IOException {
            String prompt = a.positional(0);
            if (!a.has("subject") || !a.has("target")) {
                throw new MagicException("%rome_edit: --subject S and --target T are required");
            }
            if (!prompt.contains("{}")) {
                if (!prompt.contains(a.get("subject"))) {
                    throw new MagicException("%rome_edit: write the prompt with {} where the subject goes, e.g. \"{} plays the sport of\"");
                }
                prompt = prompt.replaceFirst(java.util.regex.Pattern.quote(a.get("subject")), "{}");
            }
            Gpt gpt = session.model();
            RomeHparams hp = hparams("%rome_edit", gpt, a);
            Rome rome = session.editing().rome(session, gpt, hp);
            if (a.has("stats")) {
                Path f = Path.of(a.get("stats"));
                if (!Files.isRegularFile(f)) throw new MagicException("%rome_edit: --stats file not found: " + f.toAbsolutePath());
                KeyStats s = KeyStats.read(f).checkWidth(gpt, f);
                for (int l : hp.layers()) session.editing().use(gpt, l, s);
            }
            Request r = new Request(prompt, a.get("subject"), a.get("target"), a.has("true") ? a.get("true") : null);
            Session.checkInterrupted();
            return new EditResult(rome.apply(r));
        }
    }

    /** {@code %rome_undo [ID] [--all]}. */
    static final class UndoMagic implements Magic {
        private final Spec spec = new Spec("rome_undo", "Undo the last edit (or edit ID, or all): the weights are the original bytes again.")
                .positional("id", "the edit to undo (it must be the most recent active one)", false)
                .flag("all", "undo every active edit")
                .example("%rome_undo --all");

        @Override
        public Spec spec() {
            return spec;
        }

        @Override
        public Class<?> resultType() {
            return Edits.class;
        }

        @Override
        public Object run(Session session, Spec.Parsed a, String body) {
            Rome rome = session.editing().current(session.model());
            if (rome == null || rome.edits().isEmpty()) {
                throw new MagicException("%rome_undo: no active edits");
            }
            String note;
            if (a.flag("all")) {
                note = "undid " + rome.undoAll() + " edits";
            } else if (a.positional(0) != null) {
                int id;
                try {
                    id = Integer.parseInt(a.positional(0));
                } catch (NumberFormatException e) {
                    throw new MagicException("%rome_undo: ID must be an edit number (see %edits), got \"" + a.positional(0) + "\"");
                }
                note = "undid edit #" + rome.undo(id).id();
            } else {
                note = "undid edit #" + rome.undo().id();
            }
            return new Edits(rome.edits(), note);
        }
    }

    /** {@code %edits}. */
    static final class ListMagic implements Magic {
        private final Spec spec = new Spec("edits", "The active edits of the current model, oldest first.");

        @Override
        public Spec spec() {
            return spec;
        }

        @Override
        public Class<?> resultType() {
            return Edits.class;
        }

        @Override
        public Object run(Session session, Spec.Parsed a, String body) {
            Rome rome = session.hasModel() ? session.editing().current(session.model()) : null;
            return new Edits(rome == null ? List.<Edit>of() : rome.edits(), "");
        }
    }

    /** {@code %rome_save DIR}. */
    static final class SaveMagic implements Magic {
        private final Spec spec = new Spec("rome_save", "Save the edited model (weights, config, tokenizer, edit log) to a new folder.")
                .positional("dir", "the folder to write (not the one the model came from)", true)
                .flag("overwrite", "replace DIR if it already holds a model (never the folder the model was loaded from)");

        @Override
        public Spec spec() {
            return spec;
        }

        @Override
        public Class<?> resultType() {
            return Edits.class;
        }

        @Override
        public Object run(Session session, Spec.Parsed a, String body) throws IOException {
            Gpt gpt = session.model();
            Rome rome = session.editing().current(gpt);
            Path dir = Path.of(a.positional(0));
            Path source = Models.resolve(session.modelSource());
            if (rome == null) {
                ModelSave.save(gpt, dir, source, a.flag("overwrite"));
                return new Edits(List.of(), "saved the unedited model to " + dir.toAbsolutePath());
            }
            rome.save(dir, source, a.flag("overwrite"));
            return new Edits(rome.edits(), "saved the model with " + rome.edits().size() + " edits to " + dir.toAbsolutePath());
        }
    }
}
