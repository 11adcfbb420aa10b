package org.rome4j.options;

import java.util.List;

/** An option group holding text the model reads, checked against its vocabulary by every face (the {@code note:} line). */
public interface Texts {
    /** The texts given. */
    List<String> texts();
}
