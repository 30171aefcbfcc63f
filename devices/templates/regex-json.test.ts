/** Python `re` semantics on the JS engine, and JSON with Python's number types. */
import { describe, expect, it } from "vitest";
import { mayHoldIntegralFloats, parseJson, toJson } from "./json";
import { PyDict, PyFloat, pyStr, PyUndefined, tuple } from "./python-values";
import { regexFindall, regexMatch, regexReplace, regexSearch } from "./regex";

describe("regex filters", () => {
  it("findall returns matches, the group, or tuples of groups", () => {
    expect(regexFindall("a1b22", "\\d+", false)).toEqual(["1", "22"]);
    expect(regexFindall("a1b22", "[a-z](\\d+)", false)).toEqual(["1", "22"]);
    expect(pyStr(regexFindall("a1b22", "([a-z])(\\d+)", false))).toBe("[('a', '1'), ('b', '22')]");
    expect(pyStr(regexFindall("button_1_press", "^(?P<button>(?:button_)?[a-z0-9]+)_(?P<action>(?:press|hold)(?:_release)?)$", false))).toBe("[('button_1', 'press')]");
    expect(regexFindall("x", "(a)?x", false)).toEqual([""]);
  });

  it("translates Python syntax", () => {
    expect(regexMatch("a\n", "a$", false)).toBe(true); // Python's $ also matches before a final newline
    expect(regexMatch("a\n", "a\\Z", false)).toBe(false);
    expect(regexMatch("line1\nline2", "^line\\d$", false)).toBe(false);
    expect(regexFindall("line1\nline2", "(?m)^line\\d$", false)).toEqual(["line1", "line2"]);
    expect(regexFindall("a\nb\n", "(?m)\\A\\w|\\w\\Z", false)).toEqual(["a"]);
    expect(regexFindall("a\rb", "(?m)^\\w", false)).toEqual(["a"]);
    expect(regexMatch("a\nb", "a.b", false)).toBe(false);
    expect(regexMatch("a\nb", "(?s)a.b", false)).toBe(true);
    expect(regexFindall("é1 ü", "\\w+", false)).toEqual(["é1", "ü"]);
    expect(regexFindall("naïve café", "\\b\\w+\\b", false)).toEqual(["naïve", "café"]);
    expect(regexFindall("a{1} a{", "a\\{", false)).toEqual(["a{", "a{"]);
    expect(regexFindall("a{1}", "a{", false)).toEqual(["a{"]);
    expect(regexFindall("aaa", "a{,2}", false)).toEqual(["aa", "a", ""]);
    expect(regexMatch("ABC", "abc", true)).toBe(true);
    expect(regexMatch("ABC", "(?i)abc", false)).toBe(true);
    expect(regexSearch("x: y", "\\:", false)).toBe(true);
    expect(regexMatch("aa", "(?P<x>a)(?P=x)", false)).toBe(true);
    expect(regexMatch("xx", "(?#comment)xx", false)).toBe(true);
  });

  it("replaces with Python's template syntax", () => {
    expect(regexReplace("2024-01-05", "(\\d+)-(\\d+)-(\\d+)", "\\3/\\2/\\1", false)).toBe("05/01/2024");
    expect(regexReplace("John Smith", "(?P<f>\\w+) (?P<l>\\w+)", "\\g<l>, \\g<f>", false)).toBe("Smith, John");
    expect(regexReplace("a.b", "\\.", "$&", false)).toBe("a$&b");
    expect(regexReplace("ab", "(x)?b", "[\\1]", false)).toBe("a[]");
    expect(regexReplace("a b", " ", "\\n", false)).toBe("a\nb");
  });

  it("raises re.error for invalid patterns", () => {
    expect(() => regexMatch("a", "(", false)).toThrow();
    expect(() => regexMatch("a", "\\q", false)).toThrow("bad escape");
    expect(() => regexMatch("a", "a**", false)).toThrow();
    expect(() => regexReplace("a", "a", "\\2", false)).toThrow("invalid group reference");
  });

  it("refuses patterns that may backtrack catastrophically and long inputs for costly ones", () => {
    expect(() => regexMatch("aaaa!", "(a+)+$", false)).toThrow("catastrophic");
    expect(() => regexMatch("aaaa!", "(a|aa)*$", false)).toThrow("catastrophic");
    expect(regexMatch("aaaa", "(?:ab)?a+", false)).toBe(true);
    expect(() => regexFindall("a".repeat(50_000), "a*a*b", false)).toThrow("too expensive");
    expect(regexFindall("a".repeat(100), "a*a*b", false)).toEqual([]);
  });
});

describe("JSON", () => {
  it("keeps Python's int/float distinction", () => {
    const parsed = parseJson('{"i": 21, "f": 21.0, "e": 1e3, "n": -0.0, "s": "x\\u00e9", "l": [1.5, null, true]}');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(pyStr(parsed.value)).toBe("{'i': 21, 'f': 21.0, 'e': 1000.0, 'n': -0.0, 's': 'xé', 'l': [1.5, None, True]}");
    expect(Object.getPrototypeOf(parsed.value)).toBeNull();
  });

  it("is strict like orjson", () => {
    for (const text of ["", "{", "[1,]", "{'a': 1}", "NaN", "01", "1.", "\"\\x41\"", "[1] x", '"\u0001"']) {
      expect(parseJson(text).ok, text).toBe(false);
    }
    expect(parseJson(`${"[".repeat(2000)}${"]".repeat(2000)}`).ok).toBe(false);
    const proto = parseJson('{"__proto__": {"x": 1}}');
    expect(proto.ok && Object.keys(proto.value as object)).toEqual(["__proto__"]);
  });

  it("spots payloads whose floats JSON.parse would turn into ints", () => {
    expect(mayHoldIntegralFloats('{"t":21.0}')).toBe(true);
    expect(mayHoldIntegralFloats('{"t":1e3}')).toBe(true);
    expect(mayHoldIntegralFloats('{"t":21.5,"u":97}')).toBe(false);
  });

  it("serialises like Jinja2's tojson, HA's to_json and json.dumps", () => {
    const value = PyDict.fromPairs([
      ["b", [1, new PyFloat(2), null, true, new PyFloat(1e16), 1.5e-7, 1e-5]],
      ["a", "'<&>é"],
    ]);
    expect(toJson(value, { style: "jinja" })).toBe('{"a": "\\u0027\\u003c\\u0026\\u003e\\u00e9", "b": [1, 2.0, null, true, 1e+16, 1.5e-07, 1e-05]}');
    expect(toJson(value, { style: "orjson" })).toBe('{"b":[1,2.0,null,true,1e16,1.5e-7,0.00001],"a":"\'<&>é"}');
    expect(toJson(value, { style: "python", ensureAscii: true })).toBe('{"b": [1, 2.0, null, true, 1e+16, 1.5e-07, 1e-05], "a": "\'<&>\\u00e9"}');
    expect(toJson({ a: { b: 1 } }, { style: "jinja", indent: 2 })).toBe('{\n  "a": {\n    "b": 1\n  }\n}');
    expect(toJson(PyDict.fromPairs([[null, 1], [2, tuple([1])]]), { style: "orjson" })).toBe('{"null":1,"2":[1]}');
    expect(() => toJson(new PyUndefined("x", "x"), { style: "jinja" })).toThrow("not JSON serializable");
  });
});
