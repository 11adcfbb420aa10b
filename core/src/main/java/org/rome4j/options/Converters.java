package org.rome4j.options;

import org.rome4j.model.WeightType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Conversions of option words whose message names the accepted values. */
final class Converters {
    private Converters() { }

    /** f32, bf16 or f16 (and their long names). */
    static final class Dtype implements ITypeConverter<WeightType> {
        @Override
        public WeightType convert(String value) {
            try {
                return WeightType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** cpu, cuda or cuda:N ({@link org.rome4j.model.Devices#parse}). */
    static final class DeviceName implements ITypeConverter<ai.djl.Device> {
        @Override
        public ai.djl.Device convert(String value) {
            try {
                return org.rome4j.model.Devices.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
