/** Python printing, rounding and formatting rules (expected values are CPython 3's). */
import { describe, expect, it } from "vitest";
import { percentFormat, pyRound, strFormat, toFixedHalfEven } from "./python-ops";
import { formatFloat, formatInt, PyDict, PyFloat, pyEquals, pyStr, repr, reprString, tuple } from "./python-values";

describe("float repr", () => {
  const cases: [number, string][] = [
    [21.48, "21.48"],
    [21, "21.0"],
    [-0, "-0.0"],
    [0, "0.0"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1e16, "1e+16"],
    [1.5e16, "1.5e+16"],
    [1e15, "1000000000000000.0"],
    [123456789012345680, "1.2345678901234568e+17"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [-2.5e-10, "-2.5e-10"],
    [1e300 * 10, "1e+301"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [NaN, "nan"],
  ];
  it.each(cases)("%d → %s", (value, expected) => {
    expect(formatFloat(value)).toBe(expected);
  });

  it("prints ints without exponents", () => {
    expect(formatInt(1e21)).toBe("1000000000000000000000");
    expect(formatInt(-0)).toBe("0");
    expect(formatInt(2 ** 53)).toBe("9007199254740992");
  });
});

describe("str and repr", () => {
  it("prints Python values", () => {
    expect(pyStr(true)).toBe("True");
    expect(pyStr(null)).toBe("None");
    expect(pyStr(new PyFloat(3))).toBe("3.0");
    expect(pyStr([1, "a", null, new PyFloat(2), [true]])).toBe("[1, 'a', None, 2.0, [True]]");
    expect(pyStr(tuple([1]))).toBe("(1,)");
    expect(pyStr(tuple([]))).toBe("()");
    expect(pyStr(PyDict.fromPairs([[null, 1], [1, "x"], [tuple([1, 2]), "t"]]))).toBe("{None: 1, 1: 'x', (1, 2): 't'}");
    expect(pyStr({ a: { b: [] } })).toBe("{'a': {'b': []}}");
  });

  const quoting: [string, string][] = [
    ["plain", "'plain'"],
    ["it's", `"it's"`],
    [`both ' and "`, `'both \\' and "'`],
    ["tab\tnew\nline\\", "'tab\\tnew\\nline\\\\'"],
    ["\u0001\u007f", "'\\x01\\x7f'"],
    ["°C ✓ 😀", "'°C ✓ 😀'"],
  ];
  it.each(quoting)("repr(%j)", (value, expected) => {
    expect(reprString(value)).toBe(expected);
    expect(repr([value])).toBe(`[${expected}]`);
  });

  it("compares like Python", () => {
    expect(pyEquals(1, new PyFloat(1))).toBe(true);
    expect(pyEquals(1, true)).toBe(true);
    expect(pyEquals("1", 1)).toBe(false);
    expect(pyEquals([1, { a: null }], [1, { a: null }])).toBe(true);
    expect(pyEquals(tuple([1]), [1])).toBe(false);
    expect(pyEquals({ a: 1 }, PyDict.fromPairs([["a", 1]]))).toBe(true);
  });
});

describe("rounding", () => {
  const fixed: [number, number, string][] = [
    [2.5, 0, "2"],
    [3.5, 0, "4"],
    [-2.5, 0, "-2"],
    [0.125, 2, "0.12"],
    [0.375, 2, "0.38"],
    [2.675, 2, "2.67"],
    [1.005, 2, "1.00"],
    [21.55, 1, "21.6"],
    [21.25, 1, "21.2"],
    [1e22, 2, "10000000000000000000000.00"],
    [5e-324, 2, "0.00"],
  ];
  it.each(fixed)("%d to %d places", (value, digits, expected) => {
    expect(toFixedHalfEven(value, digits)).toBe(expected);
  });

  it("round() keeps the sign of zero and supports negative digits", () => {
    expect(Object.is(pyRound(-0.4, 0), -0)).toBe(true);
    expect(pyRound(1234.5, -1)).toBe(1230);
    expect(pyRound(1250, -2)).toBe(1200);
    expect(pyRound(1350, -2)).toBe(1400);
  });
});

describe("formatting", () => {
  const percent: [string, unknown, string][] = [
    ["%.1f", 21.25, "21.2"],
    ["%5.1f|", 3.14159, "  3.1|"],
    ["%-6.2f|", 2.5, "2.50  |"],
    ["%+d", 5, "+5"],
    ["%d", -0.5, "0"],
    ["%05d", -42, "-0042"],
    ["%x %X %o", tuple([255, 255, 8]), "ff FF 10"],
    ["%#x", 255, "0xff"],
    ["%e", 12345.678, "1.234568e+04"],
    ["%.3g", 0.0001234, "0.000123"],
    ["%g", 1e20, "1e+20"],
    ["%g", 100000, "100000"],
    ["%g", 1000000, "1e+06"],
    ["%s and %r", tuple(["a", "a"]), "a and 'a'"],
    ["%(name)s=%(v).1f", PyDict.fromPairs([["name", "t"], ["v", 1.25]]), "t=1.2"],
    ["100%%", tuple([]), "100%"],
    ["%c", 65, "A"],
  ];
  it.each(percent)("%s %% %j", (fmt, args, expected) => {
    expect(percentFormat(fmt, args)).toBe(expected);
  });

  it("raises on argument mismatches", () => {
    expect(() => percentFormat("%s %s", "a")).toThrow("not enough arguments");
    expect(() => percentFormat("%s", tuple(["a", "b"]))).toThrow("not all arguments converted");
    expect(() => percentFormat("%d", "x")).toThrow("real number is required");
  });

  const braces: [string, unknown[], string][] = [
    ["{} {}", [1, "a"], "1 a"],
    ["{0}{1}{0}", ["a", "b"], "aba"],
    ["{:.1f}", [2.25], "2.2"],
    ["{:>5}|{:<5}|{:^5}|", [1, 2, 3], "    1|2    |  3  |"],
    ["{:05.1f}", [3.14159], "003.1"],
    ["{:,}", [1234567], "1,234,567"],
    ["{:.2%}", [0.256], "25.60%"],
    ["{:x}", [255], "ff"],
    ["{!r}", ["a"], "'a'"],
    ["{{}}", [], "{}"],
    ["{}", [new PyFloat(3)], "3.0"],
  ];
  it.each(braces)("%j.format(…)", (template, args, expected) => {
    expect(strFormat(template, args, new Map())).toBe(expected);
  });
});
