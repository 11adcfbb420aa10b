package org.rome4j.kernel;

import org.rome4j.FileSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.magics.Magic;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated cases over the real protocol: every magic (and unknown ones) gets malformed arguments, bad
 * numbers and bad files; each answers with an error reply whose traceback is one line without Java
 * names, changes no file, and the kernel still runs a cell afterwards.
 */
class MagicErrorsTest {
    private static final Pattern JAVA_NAME = Pattern.compile("\\w+Exception\\b|\\w+Error\\b|\\bat [a-z]+\\.|\\b(java|javax|org|com|ai)\\.[a-z]+\\.|\\tat ");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");
    private static final Pattern OPTION = Pattern.compile("(?m)^\\s+--([\\w-]+) ([A-Z][\\w.\\[\\],]*)");

    @TempDir
    static Path tmp;

    /** Valid arguments per magic, so that only the malformed part is wrong. */
    private static final Map<String, String> BASE = Map.ofEntries(
            Map.entry("load_model", "tiny-facts"),
            Map.entry("generate", "\"Megan Rapinoe plays the sport of\""),
            Map.entry("logit_lens", "\"Megan Rapinoe plays the sport of\""),
            Map.entry("trace", "\"Megan Rapinoe plays the sport of\" --subject \"Megan Rapinoe\""),
            Map.entry("frozen_trace", "\"Megan Rapinoe plays the sport of\" --subject \"Megan Rapinoe\""),
            Map.entry("trace_dataset", "--limit 1"),
            Map.entry("counterfact_eval", "--limit 1"),
            Map.entry("stats", "--layer 0"),
            Map.entry("rome_edit", "\"{} plays the sport of\" --subject \"Megan Rapinoe\" --target basketball"),
            Map.entry("rome_batch", ""),
            Map.entry("rome_undo", ""),
            Map.entry("edits", ""),
            Map.entry("rome_save", ""));

    @TestFactory
    Stream<DynamicTest> everyMagicAnswersMalformedInputWithOneLine() throws Exception {
        KernelClient k = KernelClient.get();
        JsonNode loaded = k.execute("%load_model");
        assertEquals("ok", loaded.path("status").asText(), loaded.toString());
        Map<String, Path> bad = new LinkedHashMap<>();
        bad.put("missing", tmp.resolve("no-such-file.json"));
        bad.put("binary", Files.write(tmp.resolve("binary.npz"), new byte[] {0x50, 0x4b, 3, 4, (byte) 0xff, 0, 1, 2, 3}));
        bad.put("folder", Files.createDirectories(tmp.resolve("a-folder")));
        bad.put("notjson", Files.writeString(tmp.resolve("notjson.json"), "{\"a\": [1, 2"));
        bad.put("array", Files.writeString(tmp.resolve("array.json"), "[1, \"x\", null]"));
        String body = "[{\"prompt\": \"{} plays the sport of\", \"subject\": \"Megan Rapinoe\", \"target\": \"basketball\"}]";

        List<String> cells = new ArrayList<>(List.of("%foo", "%lsmagic", "%%foo\n1", "var x = %nosuchmagic 1"));
        for (Magic<?> m : RomeExtension.MAGICS.all()) {
            String name = m.spec().name();
            String base = BASE.getOrDefault(name, "");
            String help = m.spec().help();
            List<String> variants = new ArrayList<>(List.of("--bogus 1", "\"unterminated"));
            Matcher om = OPTION.matcher(help);
            while (om.find()) {
                String opt = om.group(1);
                String metavar = om.group(2);
                if (variants.size() == 2) variants.add("--" + opt);     // an option without its value
                if (List.of("N", "L", "W", "K").contains(metavar)) {
                    for (String v : List.of("abc", "-99999999999", "1.5")) variants.add("--" + opt + " " + v);
                }
                if (metavar.startsWith("F")) {
                    for (Path f : bad.values()) variants.add("--" + opt + " " + f);
                }
            }
            for (String v : variants) {
                String args = (base + " " + v).strip();
                cells.add(m.isCell() ? "%%" + name + " " + args + "\n" + body : "%" + name + " " + args);
            }
        }
        for (String b : List.of("not json", "[1]", "{}", "[{\"prompt\": \"x\"}]", "[{\"prompt\": \"{} is\", \"subject\": \"A\", \"target\": 3}]")) {
            cells.add("%%rome_batch\n" + b);
        }
        cells.add("%rome_save " + bad.get("binary"));
        cells.add("%rome_save " + tmp);

        List<DynamicTest> tests = new ArrayList<>();
        for (String cell : cells) {
            tests.add(DynamicTest.dynamicTest(cell.replace('\n', ' '), () -> {
                Map<String, String> before = FileSnapshot.of(tmp);
                KernelClient.Result res = k.run(cell);
                assertEquals("error", res.reply().path("status").asText(), cell + " -> " + res.reply());
                List<String> tb = new ArrayList<>();
                res.shown().forEach(t -> tb.addAll(ANSI.matcher(t).replaceAll("").strip().lines().toList()));
                assertEquals(1, tb.size(), cell + " -> " + tb);
                String line = tb.get(0);
                if (System.getenv("ROME4J_SHOW_ERRORS") != null) System.out.println(cell.replace('\n', ' ') + " => " + line);
                assertFalse(JAVA_NAME.matcher(line).find(), cell + ": a Java name in \"" + line + "\"");
                assertFalse(line.matches("(%+[\\w-]+): \\1: .*"), cell + ": repeated magic name in " + line);
                assertEquals(before, FileSnapshot.of(tmp), cell + ": files changed");
            }));
        }
        tests.add(DynamicTest.dynamicTest("the kernel still runs cells, the model still loaded", () -> {
            JsonNode r = k.execute("1 + 1");
            assertEquals("ok", r.path("status").asText(), r.toString());
            JsonNode lens = k.execute("%logit_lens \"Megan Rapinoe plays the sport of\"");
            assertEquals("ok", lens.path("status").asText(), lens.toString());
        }));
        tests.add(DynamicTest.dynamicTest("an unknown magic lists the magics", () -> {
            String tb = ANSI.matcher(String.join("\n", k.run("%foo").shown())).replaceAll("");
            assertTrue(tb.contains("unknown magic %foo; magics are") && tb.contains("%trace") && tb.contains("%rome_edit"), tb);
        }));
        return tests.stream();
    }

}
