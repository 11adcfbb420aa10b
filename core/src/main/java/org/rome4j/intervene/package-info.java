/**
 * The one mechanism for reading and changing activations: {@link org.rome4j.intervene.Site} names,
 * {@link org.rome4j.intervene.Cells} (batch row, token position), and
 * {@link org.rome4j.intervene.Interventions} (record, replace, add, apply, stop after). Tracing, key
 * statistics, ROME's v* search and the logit lens are all interventions on sites.
 */
package org.rome4j.intervene;
