package io.streamwatch.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.Operator;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.internal.ComparisonFunctions;
import java.util.List;
import java.util.Map;

/**
 * A condition made only of {@code &&}, {@code ||}, {@code !} and comparisons of an aggregate field
 * with a literal ({@code error_ratio > 0.05 && total >= 20}, {@code name == "x" && p99 > 500}),
 * evaluated in plain Java with CEL's own semantics. Most rules are such conditions, and CEL's
 * interpreter spent a fifth of the evaluator's CPU on them (dispatch, boxing, a frame per call).
 *
 * <p>It gives CEL's answer or none: each comparison uses the overload CEL picks for the operand
 * types (int/int, double/double with IEEE NaN rules, double/int through CEL's own {@link
 * ComparisonFunctions}, string equality), and whenever a variable is missing or of an unexpected
 * Java type the answer is {@link #UNKNOWN} and the caller asks CEL. Equality on doubles (CEL's own
 * rules for NaN and signed zero) and everything else is left to CEL: {@link #of} returns null.
 */
final class FastCondition {
    static final int FALSE = 0;
    static final int TRUE = 1;
    static final int UNKNOWN = -1;

    private enum Op {
        AND,
        OR,
        NOT,
        LT,
        LE,
        GT,
        GE,
        EQ,
        NE
    }

    private enum Operands {
        INT_INT,
        DOUBLE_DOUBLE,
        DOUBLE_INT,
        INT_DOUBLE,
        STRING_STRING
    }

    private final Op op;
    private final FastCondition left;
    private final FastCondition right;

    // Comparisons: variable <op> literal (a literal on the left is turned around).
    private final String variable;
    private final Operands operands;
    private final long longLiteral;
    private final double doubleLiteral;
    private final String stringLiteral;

    private FastCondition(Op op, FastCondition left, FastCondition right) {
        this.op = op;
        this.left = left;
        this.right = right;
        this.variable = null;
        this.operands = null;
        this.longLiteral = 0;
        this.doubleLiteral = 0;
        this.stringLiteral = null;
    }

    private FastCondition(Op op, String variable, Operands operands, CelConstant literal) {
        this.op = op;
        this.left = null;
        this.right = null;
        this.variable = variable;
        this.operands = operands;
        this.longLiteral =
                literal.getKind() == CelConstant.Kind.INT64_VALUE ? literal.int64Value() : 0;
        this.doubleLiteral =
                literal.getKind() == CelConstant.Kind.DOUBLE_VALUE ? literal.doubleValue() : 0;
        this.stringLiteral =
                literal.getKind() == CelConstant.Kind.STRING_VALUE ? literal.stringValue() : null;
    }

    /** The fast form of a type-checked condition, or null when it has parts CEL must do. */
    static FastCondition of(CelAbstractSyntaxTree ast, AggregateSchema schema) {
        return of(ast.getExpr(), schema);
    }

    private static FastCondition of(CelExpr e, AggregateSchema schema) {
        if (e.getKind() != CelExpr.ExprKind.Kind.CALL || e.call().target().isPresent()) {
            return null;
        }
        String f = e.call().function();
        List<CelExpr> args = e.call().args();
        if (f.equals(Operator.LOGICAL_NOT.getFunction()) && args.size() == 1) {
            FastCondition a = of(args.get(0), schema);
            return a == null ? null : new FastCondition(Op.NOT, a, null);
        }
        if (args.size() != 2) {
            return null;
        }
        if (f.equals(Operator.LOGICAL_AND.getFunction())
                || f.equals(Operator.LOGICAL_OR.getFunction())) {
            FastCondition a = of(args.get(0), schema);
            FastCondition b = of(args.get(1), schema);
            if (a == null || b == null) {
                return null;
            }
            return new FastCondition(
                    f.equals(Operator.LOGICAL_AND.getFunction()) ? Op.AND : Op.OR, a, b);
        }
        Op op = comparison(f);
        if (op == null) {
            return null;
        }
        FastCondition c = comparison(op, args.get(0), args.get(1), schema);
        if (c == null) {
            c = comparison(flip(op), args.get(1), args.get(0), schema);
        }
        return c;
    }

    private static Op comparison(String f) {
        if (f.equals(Operator.LESS.getFunction())) {
            return Op.LT;
        } else if (f.equals(Operator.LESS_EQUALS.getFunction())) {
            return Op.LE;
        } else if (f.equals(Operator.GREATER.getFunction())) {
            return Op.GT;
        } else if (f.equals(Operator.GREATER_EQUALS.getFunction())) {
            return Op.GE;
        } else if (f.equals(Operator.EQUALS.getFunction())) {
            return Op.EQ;
        } else if (f.equals(Operator.NOT_EQUALS.getFunction())) {
            return Op.NE;
        }
        return null;
    }

    /** {@code a op b} as {@code b flip(op) a}. */
    private static Op flip(Op op) {
        switch (op) {
            case LT:
                return Op.GT;
            case LE:
                return Op.GE;
            case GT:
                return Op.LT;
            case GE:
                return Op.LE;
            default:
                return op;
        }
    }

    private static FastCondition comparison(
            Op op, CelExpr variable, CelExpr literal, AggregateSchema schema) {
        if (variable.getKind() != CelExpr.ExprKind.Kind.IDENT
                || literal.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
            return null;
        }
        String name = variable.ident().name();
        AggregateSchema.Type type = schema.fields().get(name);
        CelConstant.Kind kind = literal.constant().getKind();
        if (type == null) {
            return null;
        }
        boolean equality = op == Op.EQ || op == Op.NE;
        Operands operands;
        if (type == AggregateSchema.Type.STRING && kind == CelConstant.Kind.STRING_VALUE) {
            if (!equality) {
                return null;
            }
            operands = Operands.STRING_STRING;
        } else if (type == AggregateSchema.Type.INT && kind == CelConstant.Kind.INT64_VALUE) {
            operands = Operands.INT_INT;
        } else if (equality) {
            // Equality with a double on either side follows CEL's numeric equality rules.
            return null;
        } else if (type == AggregateSchema.Type.DOUBLE && kind == CelConstant.Kind.DOUBLE_VALUE) {
            operands = Operands.DOUBLE_DOUBLE;
        } else if (type == AggregateSchema.Type.DOUBLE && kind == CelConstant.Kind.INT64_VALUE) {
            operands = Operands.DOUBLE_INT;
        } else if (type == AggregateSchema.Type.INT && kind == CelConstant.Kind.DOUBLE_VALUE) {
            operands = Operands.INT_DOUBLE;
        } else {
            return null;
        }
        return new FastCondition(op, name, operands, literal.constant());
    }

    /** {@link #TRUE}, {@link #FALSE}, or {@link #UNKNOWN}: then ask CEL. */
    int eval(Map<String, Object> variables) {
        switch (op) {
            case AND:
                {
                    int a = left.eval(variables);
                    if (a == FALSE) {
                        return FALSE;
                    }
                    int b = right.eval(variables);
                    // CEL: false wins over an error on the other side; otherwise ask CEL.
                    return b == FALSE ? FALSE : a == TRUE && b == TRUE ? TRUE : UNKNOWN;
                }
            case OR:
                {
                    int a = left.eval(variables);
                    if (a == TRUE) {
                        return TRUE;
                    }
                    int b = right.eval(variables);
                    return b == TRUE ? TRUE : a == FALSE && b == FALSE ? FALSE : UNKNOWN;
                }
            case NOT:
                {
                    int a = left.eval(variables);
                    return a == UNKNOWN ? UNKNOWN : 1 - a;
                }
            default:
                return compare(variables.get(variable));
        }
    }

    private int compare(Object v) {
        boolean result;
        switch (operands) {
            case STRING_STRING:
                if (!(v instanceof String)) {
                    return UNKNOWN;
                }
                result = stringLiteral.equals(v) == (op == Op.EQ);
                break;
            case INT_INT:
                if (!(v instanceof Long)) {
                    return UNKNOWN;
                }
                {
                    long x = (Long) v;
                    switch (op) {
                        case EQ:
                            result = x == longLiteral;
                            break;
                        case NE:
                            result = x != longLiteral;
                            break;
                        default:
                            result = sign(Long.compare(x, longLiteral));
                    }
                }
                break;
            case DOUBLE_DOUBLE:
                if (!(v instanceof Double)) {
                    return UNKNOWN;
                }
                {
                    // Primitive comparisons, as CEL's double overloads: false with NaN.
                    double x = (Double) v;
                    switch (op) {
                        case LT:
                            result = x < doubleLiteral;
                            break;
                        case LE:
                            result = x <= doubleLiteral;
                            break;
                        case GT:
                            result = x > doubleLiteral;
                            break;
                        case GE:
                            result = x >= doubleLiteral;
                            break;
                        default:
                            return UNKNOWN;
                    }
                }
                break;
            case DOUBLE_INT:
                if (!(v instanceof Double)) {
                    return UNKNOWN;
                }
                result = sign(ComparisonFunctions.compareDoubleInt((Double) v, longLiteral));
                break;
            case INT_DOUBLE:
                if (!(v instanceof Long)) {
                    return UNKNOWN;
                }
                result = sign(ComparisonFunctions.compareIntDouble((Long) v, doubleLiteral));
                break;
            default:
                return UNKNOWN;
        }
        return result ? TRUE : FALSE;
    }

    /** Whether a three-way comparison's result satisfies this (ordering) operator. */
    private boolean sign(int c) {
        switch (op) {
            case LT:
                return c < 0;
            case LE:
                return c <= 0;
            case GT:
                return c > 0;
            case GE:
                return c >= 0;
            default:
                throw new IllegalStateException(op.name());
        }
    }
}
