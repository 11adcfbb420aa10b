package org.rome4j.magics.display;

import java.util.List;

/**
 * A value that knows how to show itself: one or more MIME bundles, shown in order (a result shows
 * its figure, then its table). The last bundle is the cell's result.
 */
public interface Displayable {
    /** The bundles to show, rendered with {@code b}. */
    List<MimeBundle> bundles(Bundles b);
}
