package org.rome4j.model;

/** Test access to the package-private half-float conversion of {@link org.rome4j.io.SafeTensors}. */
final class SafeTensorsAccess {
    private SafeTensorsAccess() { }

    static float half(short h) {
        return org.rome4j.io.SafeTensors.halfToFloat(h);
    }
}
