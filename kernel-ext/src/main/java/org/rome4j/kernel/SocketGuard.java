package org.rome4j.kernel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.Loop;
import org.dflib.jjava.jupyter.channels.ShellChannel;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the shell and control loops alive when a message cannot be read. jjava 1.0-a6 reads a
 * message in its socket loop and throws {@code SecurityException} on a bad HMAC signature (or a
 * parse error on a malformed frame); with no error callback the loop thread dies, and the kernel never
 * answers on that socket again. Any local user who can reach the port could do that. Here each loop
 * gets a callback that drops the message (all its frames are already read) and logs the first of each
 * kind per socket on stderr, the Jupyter log.
 */
final class SocketGuard {
    private final PrintStream log;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    private SocketGuard(PrintStream log) {
        this.log = log;
    }

    /** Installs the guard on a connected connection's shell and control loops (call after {@code connect()}). */
    static void install(JupyterConnection conn, PrintStream log) {
        SocketGuard g = new SocketGuard(log);
        for (String socket : new String[] {"shell", "control"}) {
            Loop loop = loopOf((ShellChannel) read(JupyterConnection.class, socket, conn), socket);
            loop.onError(t -> g.dropped(socket, t));
        }
    }

    /** Logs once per socket and kind, then continues the loop at once (0 ms sleep). */
    private long dropped(String socket, Throwable t) {
        String kind = t instanceof SecurityException ? "a message with an invalid signature" : "an unreadable message ("
                + t.getClass().getSimpleName() + ")";
        if (logged.add(socket + "/" + t.getClass().getName())) {
            log.println("rome4j kernel: dropped " + kind + " on the " + socket + " socket; further ones are dropped silently");
        }
        return 0;
    }

    private static Loop loopOf(ShellChannel channel, String socket) {
        Loop loop = (Loop) read(ShellChannel.class, "ioloop", channel);
        if (loop == null) throw new IllegalStateException("the " + socket + " socket is not bound: install the guard after connect()");
        return loop;
    }

    // jjava keeps the loops private; this is pinned to 1.0-a6 (the pom's version) and fails loudly if they move
    private static Object read(Class<?> owner, String name, Object target) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jjava changed: no field " + owner.getSimpleName() + "." + name
                    + "; update SocketGuard for the new socket loop", e);
        }
    }
}
