/** Evaluation: fact recall, CounterFact and zsRE metrics. */
package org.rome4j.eval;
