import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { haBoolean, haFloat, haInt, haPositiveInt, haPublishTopic, haQos, haString, haStringList, haSubscribeTopic, haTemplate, pythonStr } from "./ha-values";

/** The messages of a failed parse, or a marker when it unexpectedly succeeded. */
function issues(schema: z.ZodType, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  return parsed.success ? [`parsed as ${JSON.stringify(parsed.data)}`] : parsed.error.issues.map((i) => i.message);
}

describe("pythonStr (Python str() of a JSON value)", () => {
  it.each<[unknown, string]>([
    [true, "True"],
    [false, "False"],
    [null, "None"],
    [undefined, "None"],
    [30, "30"],
    [0, "0"],
    [-1, "-1"],
    [21.5, "21.5"],
    [-0.25, "-0.25"],
    [33333333, "33333333"],
    [1e21, "1e+21"],
    [Number.NaN, "nan"],
    [Number.POSITIVE_INFINITY, "inf"],
    [Number.NEGATIVE_INFINITY, "-inf"],
    ["", ""],
    ["ON", "ON"],
    ["true", "true"],
  ])("%j → %j", (value, text) => {
    expect(pythonStr(value)).toBe(text);
  });
});

describe("haString (cv.string)", () => {
  it.each<[unknown, string]>([
    ["Kitchen", "Kitchen"],
    ["", ""],
    [30, "30"],
    [21.5, "21.5"],
    [0, "0"],
    [true, "True"],
    [false, "False"],
  ])("coerces %j to %j", (value, text) => {
    expect(haString.parse(value)).toBe(text);
  });

  it.each<[unknown]>([[null], [undefined], [[]], [["a"]], [{}], [{ a: 1 }]])("refuses %j", (value) => {
    expect(issues(haString, value)).toEqual(["expected a string"]);
  });

  it("templates are coerced the same way", () => {
    expect(haTemplate.parse(5)).toBe("5");
    expect(haTemplate.parse("{{ value }}")).toBe("{{ value }}");
  });
});

describe("haBoolean (cv.boolean)", () => {
  it.each<[unknown, boolean]>([
    [true, true],
    [false, false],
    ["true", true],
    ["false", false],
    ["True", true],
    ["FALSE", false],
    [" yes ", true],
    ["no", false],
    ["on", true],
    ["OFF", false],
    ["enable", true],
    ["disable", false],
    ["1", true],
    ["0", false],
    [1, true],
    [0, false],
    // cv.boolean: any other number is `value != 0`.
    [2, true],
    [-1, true],
    [0.5, true],
    [0.0, false],
  ])("%j → %j", (value, result) => {
    expect(haBoolean.parse(value)).toBe(result);
  });

  it.each<[unknown]>([["maybe"], [""], ["2"], ["y"], [null], [undefined], [[]], [{}]])("refuses %j", (value) => {
    expect(issues(haBoolean, value)).toEqual([`invalid boolean value ${JSON.stringify(value)}`]);
  });
});

describe("haInt (vol.Coerce(int))", () => {
  it.each<[unknown, number]>([
    [1, 1],
    [0, 0],
    ["1", 1],
    [" 7 ", 7],
    ["+3", 3],
    ["-2", -2],
    // Python's int() truncates towards zero.
    [21.9, 21],
    [-21.9, -21],
    // int(True) == 1 in Python.
    [true, 1],
    [false, 0],
  ])("%j → %j", (value, result) => {
    expect(haInt.parse(value)).toBe(result);
  });

  it.each<[unknown]>([["21.5"], ["abc"], [""], ["  "], ["0x10"], ["1e3"], [null], [undefined], [[1]], [{}], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    "refuses %j",
    (value) => {
      expect(issues(haInt, value)).toEqual([`expected an integer, got ${JSON.stringify(value)}`]);
    },
  );

  it("haPositiveInt refuses negative numbers", () => {
    expect(haPositiveInt.parse("0")).toBe(0);
    expect(haPositiveInt.parse(60)).toBe(60);
    expect(issues(haPositiveInt, -1)).toEqual(["expected a non-negative integer"]);
  });
});

describe("haFloat (vol.Coerce(float))", () => {
  it.each<[unknown, number]>([
    [7, 7],
    [21.5, 21.5],
    ["7", 7],
    [" 7.5 ", 7.5],
    ["-0.5", -0.5],
    [".5", 0.5],
    ["5.", 5],
    ["1e3", 1000],
    ["+2E-1", 0.2],
    [true, 1],
  ])("%j → %j", (value, result) => {
    expect(haFloat.parse(value)).toBe(result);
  });

  // Python's float() has no hex/binary/octal literals and no empty string.
  it.each<[unknown]>([["abc"], [""], [" "], ["0x10"], ["0b1"], ["0o7"], ["1,5"], [null], [undefined], [[1]], [{}]])("refuses %j", (value) => {
    expect(issues(haFloat, value)).toEqual([`expected a number, got ${JSON.stringify(value)}`]);
  });
});

describe("haQos (valid_qos_schema)", () => {
  it.each<[unknown, number]>([
    [0, 0],
    [1, 1],
    [2, 2],
    ["1", 1],
    ["2", 2],
    [1.7, 1],
  ])("%j → %j", (value, result) => {
    expect(haQos.parse(value)).toBe(result);
  });

  it.each<[unknown, string]>([
    [3, "qos must be 0, 1 or 2"],
    [-1, "qos must be 0, 1 or 2"],
    ["3", "qos must be 0, 1 or 2"],
    ["high", 'expected an integer, got "high"'],
    [null, "expected an integer, got null"],
  ])("refuses %j", (value, message) => {
    expect(issues(haQos, value)).toEqual([message]);
  });
});

describe("haPublishTopic (valid_publish_topic)", () => {
  it.each<[string]>([["zigbee2mqtt/living_room/set"], ["zigbee2mqtt/smart vent/set"], ["a"], ["/leading/slash"], ["shellyplus1pm-a8032ab1c2d3/rpc"], ["x".repeat(65535)]])(
    "accepts %s",
    (topic) => {
      expect(haPublishTopic.parse(topic)).toBe(topic);
    },
  );

  it.each<[unknown, string]>([
    ["", "topic must not be empty"],
    ["a/+/set", "wildcards are not allowed in a publish topic"],
    ["a/#", "wildcards are not allowed in a publish topic"],
    ["a+b", "wildcards are not allowed in a publish topic"],
    ["a\u0000b", "topic must not contain NUL"],
    ["x".repeat(65536), "topic is too long"],
    // 32768 two-byte characters: 65536 UTF-8 bytes.
    ["é".repeat(32768), "topic is too long"],
    [42, "expected a topic string"],
    [null, "expected a topic string"],
  ])("refuses %#", (topic, message) => {
    expect(issues(haPublishTopic, topic)).toEqual([message]);
  });
});

describe("haSubscribeTopic (valid_subscribe_topic)", () => {
  it.each<[string]>([["a/b"], ["a/+/c"], ["+"], ["#"], ["a/#"], ["+/+"], ["+/#"], ["home/+/OpenMQTTGateway/BTtoMQTT/#"], ["zigbee2mqtt/smart vent"]])(
    "accepts %s",
    (topic) => {
      expect(haSubscribeTopic.parse(topic)).toBe(topic);
    },
  );

  it.each<[unknown, string]>([
    ["a+/b", "wildcards must fill a whole topic level and '#' must be last"],
    ["a/b+", "wildcards must fill a whole topic level and '#' must be last"],
    ["a/#/b", "wildcards must fill a whole topic level and '#' must be last"],
    ["a#", "wildcards must fill a whole topic level and '#' must be last"],
    ["a/b#", "wildcards must fill a whole topic level and '#' must be last"],
    ["##", "wildcards must fill a whole topic level and '#' must be last"],
    ["", "topic must not be empty"],
    ["a\u0000", "topic must not contain NUL"],
    [7, "expected a topic string"],
  ])("refuses %j", (topic, message) => {
    expect(issues(haSubscribeTopic, topic)).toEqual([message]);
  });
});

describe("haStringList (cv.ensure_list + [cv.string])", () => {
  it.each<[unknown, string[]]>([
    [["a", "b"], ["a", "b"]],
    [["a", 1, true, 2.5], ["a", "1", "True", "2.5"]],
    ["single", ["single"]],
    [5, ["5"]],
    [false, ["False"]],
    [[], []],
  ])("%j → %j", (value, list) => {
    expect(haStringList.parse(value)).toEqual(list);
  });

  it.each<[unknown]>([[[null]], [[["nested"]]], [[{ a: 1 }]], [{ a: 1 }]])("refuses %j", (value) => {
    expect(haStringList.safeParse(value).success).toBe(false);
  });
});
