/** Progress reporting shared by long operations. */
package org.rome4j.progress;
