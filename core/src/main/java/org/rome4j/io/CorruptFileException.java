package org.rome4j.io;

import java.io.IOException;

/** A file exists but its bytes are not what its format requires (truncated, bad header, wrong layout). */
public class CorruptFileException extends IOException {
    /** @param message one line naming the file, the problem and the fix */
    public CorruptFileException(String message) {
        super(message);
    }
}
