/**
 * Fetching the paper's published files over HTTP: {@link org.rome4j.fetch.HttpFetch} (one file, resumed
 * with HTTP Range from a {@code .part} file, checked for size and SHA-256, moved into place only when
 * complete), {@link org.rome4j.fetch.PaperData} (the original project's data sets, {@code data/dsets/})
 * and {@link org.rome4j.fetch.PaperStats} (its precomputed key statistics, in the statistics cache).
 */
package org.rome4j.fetch;
