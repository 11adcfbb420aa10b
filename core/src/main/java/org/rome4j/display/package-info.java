/**
 * Results as figures: Plotly figure data ({@link org.rome4j.display.Figure}) built by
 * {@link org.rome4j.display.Plots}. No Jupyter types; the kernel turns figures into MIME bundles.
 */
package org.rome4j.display;
