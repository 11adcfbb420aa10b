/** Fact datasets in the ROME formats (known_1000). */
package org.rome4j.data;
