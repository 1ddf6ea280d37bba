package io.ballast.sql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlScriptTest {

    @Test
    void statementsEndAtASemicolonThatEndsALineOutsideQuotes() {
        SqlScript script = SqlScript.parse("""
                -- a comment; not a statement;
                CREATE TABLE t (a INT) WITH (
                  'schema' = '{"doc": "it''s a value;
                  still the value;"}'
                );

                -- name: first
                -- what it does
                SELECT a FROM t;
                SELECT 1;
                """);
        assertThat(script.statements()).extracting(SqlScript.Statement::name).containsExactly(null, "first", null);
        assertThat(script.statements().get(0).sql()).startsWith("CREATE TABLE t").endsWith("still the value;\"}'\n)")
                .contains("it''s a value;");
        assertThat(script.statements().get(1).sql()).isEqualTo("SELECT a FROM t");
        assertThat(script.statements().get(2).sql()).isEqualTo("SELECT 1");
    }

    @Test
    void aStatementWithoutItsSemicolonIsAnError() {
        assertThatThrownBy(() -> SqlScript.parse("SELECT 1;\nSELECT 2\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SELECT 2");
    }
}
