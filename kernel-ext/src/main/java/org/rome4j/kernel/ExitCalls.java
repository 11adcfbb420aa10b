package org.rome4j.kernel;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * Whether a snippet's class calls {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt}: the kernel
 * refuses to load such a cell, as it would end the kernel (and every variable in it) rather than the cell. Read from
 * the class file's constant pool (every method a class calls is named there).
 */
final class ExitCalls {
    private ExitCalls() { }

    /** The call found ("System.exit"), or null. */
    static String find(byte[] classFile) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            in.readInt();
            in.readUnsignedShort();
            in.readUnsignedShort();
            int n = in.readUnsignedShort();
            String[] utf8 = new String[n];
            int[] classNames = new int[n];
            int[] refClass = new int[n];
            int[] refNat = new int[n];
            int[] natName = new int[n];
            for (int i = 1; i < n; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++;   // longs and doubles take two slots
                    }
                    case 7 -> classNames[i] = in.readUnsignedShort();
                    case 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 10, 11 -> {
                        refClass[i] = in.readUnsignedShort();
                        refNat[i] = in.readUnsignedShort();
                    }
                    case 9, 17, 18 -> in.readInt();
                    case 12 -> {
                        natName[i] = in.readUnsignedShort();
                        in.readUnsignedShort();
                    }
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    default -> {
                        return null;   // a newer class file format: not checked
                    }
                }
            }
            for (int i = 1; i < n; i++) {
                if (refClass[i] == 0) continue;
                String owner = utf8[classNames[refClass[i]]];
                String name = utf8[natName[refNat[i]]];
                if ("java/lang/System".equals(owner) && "exit".equals(name)) return "System.exit";
                if ("java/lang/Runtime".equals(owner) && ("exit".equals(name) || "halt".equals(name))) return "Runtime." + name;
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;   // not a class file we can read: the JVM's own verification decides
        }
    }
}
