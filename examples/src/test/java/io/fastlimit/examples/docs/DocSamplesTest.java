package io.fastlimit.examples.docs;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README and the guides in {@code docs/} true to compiled code. Every fenced code block
 * preceded by {@code <!-- sample: path#tag -->} must equal the region between {@code tag::tag[]} and
 * {@code end::tag[]} of that file (indentation removed); every Java block must have such a marker;
 * XML blocks without one may only be Maven {@code <dependency>} snippets.
 */
class DocSamplesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern MARKER = Pattern.compile("<!-- sample: (\\S+)#(\\S+) -->");
    private static final Pattern TAG_LINE = Pattern.compile(".*\\b(tag|end)::[\\w.-]+\\[\\].*");

    record Block(Path doc, int line, String language, String text, String samplePath, String tag) {
        @Override
        public String toString() {
            return ROOT.relativize(doc) + ":" + line + (samplePath == null ? "" : " " + samplePath + "#" + tag);
        }
    }

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    static List<Block> blocks(Path doc) throws IOException {
        List<String> lines = Files.readAllLines(doc);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("```") || line.length() == 3) {
                continue;
            }
            String language = line.substring(3).trim();
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            String marker = i > 0 ? lines.get(i - 1).trim() : "";
            Matcher m = MARKER.matcher(marker);
            blocks.add(new Block(doc, i + 1, language, String.join("\n", lines.subList(start, end)),
                    m.matches() ? m.group(1) : null, m.matches() ? m.group(2) : null));
            i = end;
        }
        return blocks;
    }

    /** The lines between {@code tag::tag[]} and {@code end::tag[]}, tag lines dropped, common indentation removed. */
    static String region(Path file, String tag) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("tag::" + tag + "[]")) {
                start = i + 1;
            } else if (lines.get(i).contains("end::" + tag + "[]")) {
                end = i;
            }
        }
        assertThat(start).as("tag::%s[] in %s", tag, file).isPositive();
        assertThat(end).as("end::%s[] in %s", tag, file).isGreaterThanOrEqualTo(start);
        List<String> kept = new ArrayList<>();
        for (String line : lines.subList(start, end)) {
            if (!TAG_LINE.matcher(line).matches()) {
                kept.add(line.stripTrailing());
            }
        }
        int indent = kept.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        List<String> out = new ArrayList<>();
        for (String line : kept) {
            out.add(line.isBlank() ? "" : line.substring(indent));
        }
        return String.join("\n", out);
    }

    @TestFactory
    Stream<DynamicTest> everyQuotedSampleMatchesItsSource() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path doc : documents()) {
            for (Block block : blocks(doc)) {
                if (block.samplePath() != null) {
                    tests.add(DynamicTest.dynamicTest(block.toString(), () -> {
                        Path source = ROOT.resolve(block.samplePath());
                        assertThat(source).as(block.toString()).exists();
                        assertThat(block.text().stripTrailing()).as(block.toString())
                                .isEqualTo(region(source, block.tag()));
                    }));
                }
            }
        }
        assertThat(tests).isNotEmpty();
        return tests.stream();
    }

    @Test
    void everyJavaSampleComesFromCompiledCode() throws IOException {
        for (Path doc : documents()) {
            for (Block block : blocks(doc)) {
                if (block.language().equals("java")) {
                    assertThat(block.samplePath()).as("%s: a Java sample without <!-- sample: path#tag -->", block)
                            .isNotNull();
                }
                if (block.language().equals("xml") && block.samplePath() == null) {
                    assertThat(block.text().strip()).as("%s: an XML sample without <!-- sample: path#tag -->", block)
                            .startsWith("<dependency>");
                }
            }
        }
    }

    @Test
    void theReadmeKeepsItsTwoCommands() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(readme).contains("./mvnw -q -pl examples -am compile exec:java", "./mvnw -B verify");
    }
}
