package io.ferry.transform.expr;

/** The binary operators, grouped by what they do with their operands. */
enum Operator {
    OR("or", Group.LOGIC),
    AND("and", Group.LOGIC),
    EQ("=", Group.COMPARISON),
    NE("!=", Group.COMPARISON),
    LT("<", Group.COMPARISON),
    LE("<=", Group.COMPARISON),
    GT(">", Group.COMPARISON),
    GE(">=", Group.COMPARISON),
    CONCAT("||", Group.CONCAT),
    ADD("+", Group.ARITHMETIC),
    SUB("-", Group.ARITHMETIC),
    MUL("*", Group.ARITHMETIC),
    DIV("/", Group.ARITHMETIC),
    MOD("%", Group.ARITHMETIC);

    enum Group {
        LOGIC, COMPARISON, CONCAT, ARITHMETIC
    }

    private final String symbol;
    private final Group group;

    Operator(String symbol, Group group) {
        this.symbol = symbol;
        this.group = group;
    }

    String symbol() {
        return symbol;
    }

    Group group() {
        return group;
    }

    /** The comparison operator a symbol stands for ("==" and "<>" are spellings of "=" and "!="), or null. */
    static Operator comparison(String symbol) {
        return switch (symbol) {
            case "=", "==" -> EQ;
            case "!=", "<>" -> NE;
            case "<" -> LT;
            case "<=" -> LE;
            case ">" -> GT;
            case ">=" -> GE;
            default -> null;
        };
    }

    /** Whether a comparison result (negative, zero, positive) satisfies this comparison operator. */
    boolean holds(int comparison) {
        return switch (this) {
            case EQ -> comparison == 0;
            case NE -> comparison != 0;
            case LT -> comparison < 0;
            case LE -> comparison <= 0;
            case GT -> comparison > 0;
            case GE -> comparison >= 0;
            default -> throw new IllegalStateException(this + " is not a comparison");
        };
    }
}
