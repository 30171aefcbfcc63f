import { describe, expect, it } from "vitest";
import { ROOM_ICONS, roomIconLabel, roomIconName } from "./room-icon";

describe("room icons", () => {
  it("accepts only icons of our set (rooms from other tools may carry mdi: names)", () => {
    expect(roomIconName("bulb")).toBe("bulb");
    expect(roomIconName("mdi:sofa")).toBeNull();
    expect(roomIconName("")).toBeNull();
    expect(roomIconName(null)).toBeNull();
    expect(roomIconName("toString")).toBeNull();
  });

  it("gives every choice a distinct spoken name", () => {
    const labels = ROOM_ICONS.map(roomIconLabel);
    expect(new Set(labels).size).toBe(labels.length);
    expect(roomIconLabel("water-heater")).toBe("Water heater");
    expect(roomIconLabel("bulb")).toBe("Lamp");
  });
});
