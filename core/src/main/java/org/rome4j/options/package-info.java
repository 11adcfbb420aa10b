/**
 * Option groups declared once with picocli and parsed the same way by the CLI ({@code rome4j edit}) and
 * the magics ({@code %rome_edit}): names, value labels, defaults, help and conversion come from the declaration.
 */
package org.rome4j.options;
