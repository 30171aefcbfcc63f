import { describe, expect, it } from "vitest";
import { canManage, isLimited, seesRoom } from "./access";

describe("household access rules", () => {
  it("limits members with rooms and every kiosk; owners and admins manage", () => {
    expect(isLimited({ role: "user", rooms: null })).toBe(false);
    expect(isLimited({ role: "user", rooms: ["living"] })).toBe(true);
    expect(isLimited({ role: "kiosk", rooms: null })).toBe(true);
    expect(seesRoom({ role: "user", rooms: ["living"] }, "living")).toBe(true);
    expect(seesRoom({ role: "user", rooms: ["living"] }, "kitchen")).toBe(false);
    expect(seesRoom({ role: "user", rooms: ["living"] }, null)).toBe(false);
    expect(seesRoom({ role: "kiosk", rooms: null }, null)).toBe(true);
    expect(canManage({ role: "admin" })).toBe(true);
    expect(canManage({ role: "kiosk" })).toBe(false);
  });
});
