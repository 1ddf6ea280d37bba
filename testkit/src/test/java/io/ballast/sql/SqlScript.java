package io.ballast.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements of a SQL file as the SQL client reads them: separated by a {@code ;} that ends a line
 * outside a quoted string; a line starting with {@code --} is a comment, and {@code -- name: x} names the
 * statement that follows it.
 */
record SqlScript(List<Statement> statements) {

    /** One statement, without its terminating {@code ;}; {@code name} is null when none was given. */
    record Statement(String name, String sql) {
    }

    private static final Pattern NAME = Pattern.compile("^--\\s*name:\\s*(\\S+)\\s*$");

    static SqlScript read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    static SqlScript parse(String text) {
        List<Statement> statements = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        String name = null;
        boolean quoted = false;
        for (String line : text.split("\\R", -1)) {
            String trimmed = line.strip();
            if (!quoted && trimmed.startsWith("--")) {
                Matcher m = NAME.matcher(trimmed);
                if (m.matches()) {
                    name = m.group(1);
                }
                continue;
            }
            for (int i = 0; i < line.length(); i++) {
                if (line.charAt(i) == '\'') {
                    quoted = !quoted; // a doubled '' toggles twice
                }
            }
            if (!quoted && trimmed.endsWith(";")) {
                sql.append(line, 0, line.lastIndexOf(';'));
                statements.add(new Statement(name, sql.toString().strip()));
                sql.setLength(0);
                name = null;
            } else if (!trimmed.isEmpty() || sql.length() > 0) {
                sql.append(line).append('\n');
            }
        }
        if (!sql.toString().isBlank()) {
            throw new IllegalArgumentException("The last statement has no terminating ';': " + sql);
        }
        return new SqlScript(List.copyOf(statements));
    }
}
