package org.rome4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;

/** JSON output of the CLI. */
public final class Json {
    /** The shared mapper. */
    public static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() { }

    /** Prints a value as one JSON document. */
    public static void print(PrintStream out, Object value) throws Exception {
        out.println(MAPPER.writeValueAsString(value));
    }
}
