package org.rome4j.spark;

/** RFC 4180 quoting for the small CSV files the driver writes. */
final class Csv {
    private Csv() { }

    static String quote(String s) {
        if (s == null) return "";
        return "\"" + s.replace("\"", "\"\"").replace('\n', ' ') + "\"";
    }
}
