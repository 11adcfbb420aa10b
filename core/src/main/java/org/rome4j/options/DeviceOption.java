package org.rome4j.options;

import ai.djl.Device;
import org.rome4j.model.Devices;
import picocli.CommandLine.Option;

/** {@code --device}: where a model's weights and every computation on them live (every command, {@code %load_model}). */
public final class DeviceOption {
    @Option(names = "--device", paramLabel = "cpu|cuda[:N]", converter = Converters.DeviceName.class,
            description = "where weights, activations, noise, v* and statistics live: cpu or cuda[:N] (cuda needs the "
                    + "CUDA build, mvn -Pcuda package; default: -Drome4j.device, else ROME4J_DEVICE, else cpu)")
    Device device;

    /** The device named, else {@link Devices#defaultDevice()}. */
    public Device device() {
        return device != null ? device : Devices.defaultDevice();
    }
}
