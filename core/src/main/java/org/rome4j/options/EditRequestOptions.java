package org.rome4j.options;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** What a ROME edit rewrites ({@code edit}, {@code %rome_edit}): the subject, the new object, the current one. */
public final class EditRequestOptions implements Texts {
    @Mixin
    SubjectOption subject = new SubjectOption();

    @Option(names = "--target", paramLabel = "T", description = "the new object")
    String target;

    @Option(names = "--true", paramLabel = "O", description = "the current object, to report its probability")
    String trueObject;

    /** The subject. */
    public String subject() {
        return subject.subject();
    }

    /** The new object; never blank. */
    public String target() {
        if (target == null) throw new IllegalArgumentException("--target is required: give the new object, e.g. --target football");
        if (target.isBlank()) throw new IllegalArgumentException("empty target: give the new object with --target, e.g. --target football");
        return target;
    }

    /** The current object, or null. */
    public String trueObject() {
        return trueObject;
    }

    @Override
    public List<String> texts() {
        List<String> t = new ArrayList<>(subject.texts());
        if (target != null) t.add(target);
        if (trueObject != null) t.add(trueObject);
        return t;
    }
}
