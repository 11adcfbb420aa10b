/**
 * Progress reporting and cancellation shared by every long operation: dataset traces, ROME key
 * statistics, evaluation.
 */
package org.rome4j.progress;
