package org.rome4j.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's own inputs: a bad connection file and an uninstall with nothing installed answer in one line. */
class LauncherInputTest {

    @Test
    void aBadConnectionFileIsRefusedInOneLineWithoutClassNames(@TempDir Path tmp) throws Exception {
        String good = "{\"ip\": \"127.0.0.1\", \"transport\": \"tcp\", \"key\": \"k\", \"signature_scheme\": \"hmac-sha256\", "
                + "\"shell_port\": 5001, \"iopub_port\": 5002, \"stdin_port\": 5003, \"control_port\": 5004, \"hb_port\": 5005}";
        assertEquals(5001, Launcher.readConnection(write(tmp, "ok.json", good)).getShellPort());
        for (String bad : new String[] {"{not json", "[1, 2]", good.replace("\"hb_port\": 5005", "\"hb_port\": 0"),
                good.replace(", \"shell_port\": 5001", ""), "{}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Launcher.readConnection(write(tmp, "bad.json", bad)), bad);
            assertTrue(e.getMessage().contains("connection file") && !e.getMessage().contains("\n"), e.getMessage());
            assertFalse(e.getMessage().matches(".*(com\\.google|Exception|gson).*"), e.getMessage());
        }
    }

    @Test
    void uninstallWithNothingInstalledSaysSo(@TempDir Path tmp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Launcher.run(new String[] {"uninstall", "--prefix", tmp.resolve("empty").toString()}, new PrintStream(out, true),
                new PrintStream(err, true));
        String o = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, o);
        assertTrue(o.startsWith("nothing to uninstall") && o.strip().lines().count() == 1, o);
    }

    private static Path write(Path dir, String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
