package org.rome4j.magics;

import org.rome4j.magics.display.Bundles;
import org.rome4j.magics.display.Displayable;
import org.rome4j.magics.display.MimeBundle;

import java.util.List;

/** A magic's {@code --help}: usage, options with defaults, examples. */
public record Help(MagicSpec spec) implements Displayable {
    /** The help text. */
    public String text() {
        return spec.help();
    }

    @Override
    public List<MimeBundle> bundles(Bundles b) {
        return List.of(MimeBundle.text(text()));
    }

    @Override
    public String toString() {
        return text();
    }
}
