package org.rome4j.options;

import ai.djl.Device;
import org.rome4j.model.Devices;
import org.rome4j.model.WeightType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.function.Function;

/** Conversions of option words whose message names the accepted values. */
final class Converters {
    private Converters() { }

    /** A library parser as a picocli converter: its {@link IllegalArgumentException} becomes the option's error, in its words. */
    abstract static class Parsed<T> implements ITypeConverter<T> {
        private final Function<String, T> parse;

        Parsed(Function<String, T> parse) {
            this.parse = parse;
        }

        @Override
        public T convert(String value) {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** f32, bf16 or f16 (and their long names). */
    static final class Dtype extends Parsed<WeightType> {
        Dtype() {
            super(WeightType::parse);
        }
    }

    /** cpu, cuda or cuda:N ({@link Devices#parse}). */
    static final class DeviceName extends Parsed<Device> {
        DeviceName() {
            super(Devices::parse);
        }
    }
}
