import { describe, expect, it } from "vitest";
import { compileAcl, filterCovers, filterMatches, mayRead, maySubscribe, mayWrite, patternProblem } from "./acl-rules";

const split = (s: string) => s.split("/");

describe("topic filters", () => {
  it("match topics as MQTT does, wildcards never matching a leading $ level", () => {
    expect(filterMatches(split("a/+/c"), split("a/b/c"))).toBe(true);
    expect(filterMatches(split("a/+/c"), split("a/b/d"))).toBe(false);
    expect(filterMatches(split("a/#"), split("a"))).toBe(true);
    expect(filterMatches(split("a/#"), split("a/b/c"))).toBe(true);
    expect(filterMatches(split("a/b"), split("a/b/c"))).toBe(false);
    expect(filterMatches(split("#"), split("$SYS/x"))).toBe(false);
    expect(filterMatches(split("+/x"), split("$hearth/x"))).toBe(false);
  });

  it("cover a subscription only when every topic it matches is matched", () => {
    expect(filterCovers(split("a/#"), split("a/+/c"))).toBe(true);
    expect(filterCovers(split("a/+"), split("a/b"))).toBe(true);
    expect(filterCovers(split("a/+"), split("a/#"))).toBe(false);
    expect(filterCovers(split("a/b"), split("a/+"))).toBe(false);
    expect(filterCovers(split("#"), split("#"))).toBe(true);
    expect(filterCovers(split("a/#"), split("#"))).toBe(false);
  });

  it("explains bad patterns", () => {
    expect(patternProblem("a/#/b")).toMatch(/last/);
    expect(patternProblem("a/b#")).toMatch(/whole level/);
    expect(patternProblem("a+/b")).toMatch(/'\+'/);
    expect(patternProblem("")).toMatch(/empty/);
    expect(patternProblem("tele/%c/#")).toBeUndefined();
  });
});

describe("compiled rules", () => {
  it("substitute %u and %c, and skip a rule whose name would add wildcards or levels", () => {
    const rules = [{ access: "readwrite" as const, pattern: "dev/%u/%c/#" }];
    expect(mayWrite(compileAcl(rules, { username: "bob", clientId: "c1" }), "dev/bob/c1/x")).toBe(true);
    expect(mayWrite(compileAcl(rules, { username: "bob", clientId: "c1" }), "dev/eve/c1/x")).toBe(false);
    expect(compileAcl(rules, { username: "a/b", clientId: "c1" }).write).toEqual([]);
    expect(compileAcl(rules, { username: "bob", clientId: "#" }).write).toEqual([]);
  });

  it("let deny win and separate read from write", () => {
    const acl = compileAcl(
      [
        { access: "readwrite", pattern: "#" },
        { access: "deny", pattern: "secret/#" },
        { access: "read", pattern: "ro/#" },
      ],
      { username: "u", clientId: "c" },
    );
    expect(mayWrite(acl, "x/y")).toBe(true);
    expect(mayWrite(acl, "secret/a")).toBe(false);
    expect(mayRead(acl, "secret/a")).toBe(false);
    expect(maySubscribe(acl, "#")).toBe(true);
    expect(maySubscribe(acl, "secret/+")).toBe(false);
    const ro = compileAcl([{ access: "read", pattern: "ro/#" }], { username: "u", clientId: "c" });
    expect(mayWrite(ro, "ro/x")).toBe(false);
    expect(mayRead(ro, "ro/x")).toBe(true);
    expect(maySubscribe(ro, "ro/#")).toBe(true);
    expect(maySubscribe(ro, "#")).toBe(false);
  });
});
