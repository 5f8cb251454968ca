package io.ferry.sinks.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How a MySQL/MariaDB key's columns share InnoDB's 3,072 key bytes. */
class MysqlSinkDialectTest {

    private static final ColumnType TEXT = ColumnType.of(CanonicalType.STRING);
    private static final Pattern WIDTH = Pattern.compile("VAR(?:CHAR|BINARY)\\((\\d+)\\)");

    private static ColumnType varchar(int length) {
        return new ColumnType(CanonicalType.STRING, length, null, null, null, null, null, null);
    }

    /** The key's bytes as InnoDB counts them: 4 a utf8mb4 character, the fixed types' sizes. */
    private static long bytes(List<String> types) {
        long total = 0;
        for (String t : types) {
            Matcher m = WIDTH.matcher(t);
            if (m.find()) {
                total += t.startsWith("VARBINARY") ? Long.parseLong(m.group(1)) : 4 * Long.parseLong(m.group(1));
            } else if (t.equals("BIGINT")) {
                total += 8;
            }
        }
        return total;
    }

    @Test
    void anUnboundedStringKeyTakesTheWholeKeyAndComparesExactly() {
        assertThat(new MysqlSinkDialect(true).keyColumnTypes(List.of(TEXT))).containsExactly("VARCHAR(768) COLLATE utf8mb4_nopad_bin");
        assertThat(new MysqlSinkDialect(false).keyColumnTypes(List.of(TEXT))).containsExactly("VARCHAR(768) COLLATE utf8mb4_0900_bin");
    }

    @Test
    void fixedAndShortColumnsKeepTheirSizeAndTheRestShareWhatIsLeft() {
        List<String> types = new MysqlSinkDialect(true).keyColumnTypes(List.of(ColumnType.of(CanonicalType.INT64), varchar(20), TEXT));
        assertThat(types.get(0)).isEqualTo("BIGINT");
        assertThat(types.get(1)).isEqualTo("VARCHAR(20) COLLATE utf8mb4_nopad_bin");
        assertThat(types.get(2)).startsWith("VARCHAR(746)");
        assertThat(bytes(types)).isLessThanOrEqualTo(MysqlSinkDialect.KEY_BYTES);
    }

    @Test
    void threeTextColumnsAndAnEnumStayWithinTheKey() {
        List<String> types = new MysqlSinkDialect(true).keyColumnTypes(List.of(TEXT, TEXT, TEXT, ColumnType.enumOf(List.of("a", "b"))));
        assertThat(types.subList(0, 3)).allSatisfy(t -> assertThat(t).startsWith("VARCHAR(171)"));
        assertThat(types.get(3)).isEqualTo("VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
        assertThat(bytes(types)).isLessThanOrEqualTo(MysqlSinkDialect.KEY_BYTES);
    }

    @Test
    void anUnboundedBytesKeyIsAVarbinaryOfItsShare() {
        assertThat(new MysqlSinkDialect(true).keyColumnTypes(List.of(ColumnType.of(CanonicalType.BYTES), TEXT)))
                .containsExactly("VARBINARY(1536)", "VARCHAR(384) COLLATE utf8mb4_nopad_bin");
    }
}
