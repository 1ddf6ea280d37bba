package io.ballast.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --help} text of every Ballast program (the job, the sandbox, the harness, the chain tool):
 * a usage line, a few lines about the program, then its options in titled sections, each option with
 * its argument, its default and its description as plain text, then notes. One layout for all.
 *
 * <p>Free of Flink on purpose: the chain tool runs from the lean job jar, which has no Flink classes.
 * Options declared as Flink {@code ConfigOption}s become entries through {@link ParsedArgs#helpEntry}.
 */
public final class Help {

    /** Width the descriptions are wrapped to. */
    static final int WIDTH = 100;
    /** Column where the default starts, when the option and its argument leave room. */
    static final int DEFAULT_COLUMN = 48;
    private static final String INDENT = "      ";

    /**
     * One option as help shows it.
     *
     * @param key the option's name without the leading dashes
     * @param argument what its value looks like ({@code <duration>}), empty for a flag without value
     * @param defaultText the default as shown: a value, {@code (required)} or {@code (none)}
     * @param description one line of plain text
     */
    public record Entry(String key, String argument, String defaultText, String description) {
        /** The header line of the entry: option, argument and default. */
        String header() {
            String left = "  --" + key + (argument.isEmpty() ? "" : " " + argument);
            int pad = Math.max(2, DEFAULT_COLUMN - left.length());
            return left + " ".repeat(pad) + "default: " + defaultText;
        }
    }

    private final String usage;
    private final List<String> about = new ArrayList<>();
    private final Map<String, List<Entry>> sections = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    private Help(String usage) {
        this.usage = usage;
    }

    /** A help text starting with {@code usage: <usage>}. */
    public static Help usage(String usage) {
        return new Help(usage);
    }

    /** A paragraph about the program, after the usage line. */
    public Help about(String paragraph) {
        about.add(paragraph);
        return this;
    }

    /** Adds an entry to the section {@code title} (created at its first entry, sections in that order). */
    public Help option(String title, Entry entry) {
        sections.computeIfAbsent(title, t -> new ArrayList<>()).add(entry);
        return this;
    }

    /** A paragraph after the options. */
    public Help note(String paragraph) {
        notes.add(paragraph);
        return this;
    }

    /** Every entry, in order (for tests and tools). */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        sections.values().forEach(all::addAll);
        return all;
    }

    /** The text, lines ending with {@code \n}. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append("usage: ").append(usage).append('\n');
        for (String paragraph : about) {
            out.append('\n');
            wrap(paragraph, "", out);
        }
        for (Map.Entry<String, List<Entry>> section : sections.entrySet()) {
            out.append('\n').append(section.getKey()).append(":\n");
            for (Entry e : section.getValue()) {
                out.append(e.header()).append('\n');
                wrap(e.description(), INDENT, out);
            }
        }
        for (String paragraph : notes) {
            out.append('\n');
            wrap(paragraph, "", out);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    /** Appends {@code text} as lines of at most {@link #WIDTH} characters (longer words stay whole). */
    static void wrap(String text, String indent, StringBuilder out) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > indent.length()) {
            out.append(line).append('\n');
        }
    }
}
