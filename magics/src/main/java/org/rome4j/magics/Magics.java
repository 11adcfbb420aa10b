package org.rome4j.magics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every magic rome4j offers, by name. A kernel registers these; nothing here knows the kernel. */
public final class Magics {
    private final Map<String, Magic<?>> byName = new LinkedHashMap<>();

    /** The standard set. */
    public static Magics standard() {
        Magics m = new Magics();
        m.add(new LoadModelMagic());
        m.add(new GenerateMagic());
        m.add(new LogitLensMagic());
        m.add(new TraceMagic());
        m.add(new FrozenTraceMagic());
        m.add(new TraceDatasetMagic());
        m.add(new CounterFactEvalMagic());
        m.add(new StatsMagic());
        m.add(new RomeMagics.EditMagic());
        m.add(new RomeBatchMagic());
        m.add(new RomeMagics.UndoMagic());
        m.add(new RomeMagics.ListMagic());
        m.add(new RomeMagics.SaveMagic());
        return m;
    }

    /** Adds (or replaces) a magic. */
    public Magics add(Magic<?> magic) {
        byName.put(magic.spec().name(), magic);
        return this;
    }

    /** A magic by name (without % or %%). */
    public Optional<Magic<?>> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** All magics, in registration order. */
    public List<Magic<?>> all() {
        return new ArrayList<>(byName.values());
    }

    /** Line magics' names. */
    public List<String> lineNames() {
        return byName.values().stream().filter(m -> !m.isCell()).map(m -> m.spec().name()).toList();
    }

    /** Cell magics' names. */
    public List<String> cellNames() {
        return byName.values().stream().filter(Magic::isCell).map(m -> m.spec().name()).toList();
    }
}
