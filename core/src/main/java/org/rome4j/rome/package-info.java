/**
 * ROME, faithful to the original code (kmeng01/rome at 0874014): key statistics C = E[k kᵀ]
 * ({@link org.rome4j.rome.KeyStats}), hyper-parameters in the original schema
 * ({@link org.rome4j.rome.RomeHparams}), context templates, and the rank-one edit with handles and
 * bit-exact undo ({@link org.rome4j.rome.Rome}, {@link org.rome4j.rome.Edit}).
 */
package org.rome4j.rome;
