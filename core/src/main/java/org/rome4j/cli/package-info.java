/** The command-line face ({@code rome4j <command>}): JSON with {@code --json}, one-line errors with status 2. */
package org.rome4j.cli;
