package org.rome4j.magics;

import org.rome4j.model.Gpt;
import org.rome4j.model.ModelSave;
import org.rome4j.model.Models;
import org.rome4j.options.EditRequestOptions;
import org.rome4j.options.HparamOptions;
import org.rome4j.options.OverwriteOption;
import org.rome4j.options.StatsFileOption;
import org.rome4j.rome.Edit;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.Request;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code %rome_edit}, {@code %rome_undo}, {@code %edits}, {@code %rome_save}: ROME edits of the current model. */
final class RomeMagics {
    private RomeMagics() { }

    /** {@code %rome_edit "{} plays the sport of" --subject S --target T [--true O] [--layer L] [--hparams F] [--stats F.npz]}. */
    static final class EditMagic implements Magic<EditMagic.Options> {
        /** The declaration: the prompt and the request, {@link HparamOptions} and {@link StatsFileOption} as {@code rome4j edit}. */
        @Command(name = "rome_edit", description = "Rewrite a fact with ROME (a rank-one update of one MLP) and show predictions "
                + "before and after.", footerHeading = "%nexamples:%n",
                footer = "  %%rome_edit \"{} professionally plays the sport of\" --subject \"Megan Rapinoe\" --target basketball")
        static final class Options {
            @Mixin
            PromptArgument prompt;

            @Mixin
            EditRequestOptions request;

            @Mixin
            HparamOptions hparams;

            @Mixin
            StatsFileOption stats;
        }

        @Override
        public Options options() {
            return new Options();
        }

        @Override
        public Class<?> resultType() {
            return EditResult.class;
        }

        @Override
        public Object run(Session session, Options o, String body) throws IOException {
            String prompt = o.prompt.prompt();
            String subject = o.request.subject();
            if (!prompt.contains("{}")) {
                if (!prompt.contains(subject)) {
                    throw new MagicException("%rome_edit: write the prompt with {} where the subject goes, e.g. \"{} plays the sport of\"");
                }
                prompt = prompt.replaceFirst(java.util.regex.Pattern.quote(subject), "{}");
            }
            Gpt gpt = session.model();
            RomeHparams hp = o.hparams.resolve(gpt.name(), gpt);
            Rome rome = session.editing().rome(session, gpt, hp);
            Path f = o.stats.path();
            if (f != null) {
                if (!Files.isRegularFile(f)) throw new MagicException("%rome_edit: --stats file not found: " + f.toAbsolutePath());
                KeyStats s = KeyStats.read(f).checkWidth(gpt, f);
                for (int l : hp.layers()) session.editing().use(gpt, l, s);
            }
            Request r = new Request(prompt, subject, o.request.target(), o.request.trueObject());
            Session.checkInterrupted();
            // the v* search is most of an edit (tens of seconds on a CPU): a bar with the time left from its first steps
            try (TimedProgress p = new TimedProgress(session, "ROME edit at layers " + hp.layers() + ": v* search")) {
                rome.progress(p);
                return new EditResult(rome.apply(r));
            } finally {
                rome.progress(null);
            }
        }
    }

    /** {@code %rome_undo [ID] [--all]}. */
    static final class UndoMagic implements Magic<UndoMagic.Options> {
        /** The declaration. */
        @Command(name = "rome_undo", description = "Undo the last edit (or edit ID, or all): the weights are the original bytes again.",
                footerHeading = "%nexamples:%n", footer = "  %%rome_undo --all")
        static final class Options {
            @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the edit to undo (it must be the most recent active one; see %%edits)")
            Integer id;

            @Option(names = "--all", description = "undo every active edit")
            boolean all;
        }

        @Override
        public Options options() {
            return new Options();
        }

        @Override
        public Class<?> resultType() {
            return Edits.class;
        }

        @Override
        public Object run(Session session, Options o, String body) {
            Rome rome = session.editing().current(session.model());
            if (rome == null || rome.edits().isEmpty()) {
                throw new MagicException("%rome_undo: no active edits");
            }
            String note;
            if (o.all) {
                note = "undid " + rome.undoAll() + " edits";
            } else if (o.id != null) {
                note = "undid edit #" + rome.undo(o.id).id();
            } else {
                note = "undid edit #" + rome.undo().id();
            }
            return new Edits(rome.edits(), note);
        }
    }

    /** {@code %edits}. */
    static final class ListMagic implements Magic<ListMagic.Options> {
        /** The declaration: no options. */
        @Command(name = "edits", description = "The active edits of the current model, oldest first.")
        static final class Options { }

        @Override
        public Options options() {
            return new Options();
        }

        @Override
        public Class<?> resultType() {
            return Edits.class;
        }

        @Override
        public Object run(Session session, Options o, String body) {
            Rome rome = session.hasModel() ? session.editing().current(session.model()) : null;
            return new Edits(rome == null ? List.<Edit>of() : rome.edits(), "");
        }
    }

    /** {@code %rome_save DIR}. */
    static final class SaveMagic implements Magic<SaveMagic.Options> {
        /** The declaration: the folder and the {@link OverwriteOption} {@code rome4j edit --save-model} has. */
        @Command(name = "rome_save", description = "Save the edited model (weights, config, tokenizer, edit log) to a new folder.")
        static final class Options {
            @Parameters(index = "0", paramLabel = "DIR", description = "the folder to write (not the one the model came from)")
            Path dir;

            @Mixin
            OverwriteOption overwrite;
        }

        @Override
        public Options options() {
            return new Options();
        }

        @Override
        public Class<?> resultType() {
            return Edits.class;
        }

        @Override
        public Object run(Session session, Options o, String body) throws IOException {
            Gpt gpt = session.model();
            Rome rome = session.editing().current(gpt);
            Path source = Models.resolve(session.modelSource());
            if (rome == null) {
                ModelSave.save(gpt, o.dir, source, o.overwrite.overwrite());
                return new Edits(List.of(), "saved the unedited model to " + o.dir.toAbsolutePath());
            }
            rome.save(o.dir, source, o.overwrite.overwrite());
            return new Edits(rome.edits(), "saved the model with " + rome.edits().size() + " edits to " + o.dir.toAbsolutePath());
        }
    }
}
