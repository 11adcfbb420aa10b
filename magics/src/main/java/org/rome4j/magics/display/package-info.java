/**
 * Turning results into MIME bundles a notebook shows everywhere: Tablesaw tables as HTML and text;
 * Plotly figures ({@code {data, layout}} JSON) as one bundle with {@code application/vnd.plotly.v1+json},
 * an HTML div holding a static PNG and a script that draws the interactive figure with plotly.js
 * (inlined once per kernel, never from a CDN), the PNG itself, and a short text. No Jupyter types.
 */
package org.rome4j.magics.display;
