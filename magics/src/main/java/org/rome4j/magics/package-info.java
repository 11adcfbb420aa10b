/**
 * The notebook face of rome4j, independent of any kernel: magic commands ({@code %load_model},
 * {@code %generate}, {@code %logit_lens}, ...), their argument parsing (quoted arguments, {@code --flags},
 * {@code --help}, one-line errors), their result values (each with {@code table()} and {@code figure()}),
 * and the MIME bundles those values render to.
 *
 * <p>Nothing here imports Jupyter or kernel types: a kernel adapts {@link org.rome4j.magics.Magic} and
 * {@link org.rome4j.magics.display.Displayable} to its own API.
 */
package org.rome4j.magics;
