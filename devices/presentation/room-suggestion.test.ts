import { describe, expect, it } from "vitest";
import { suggestRoom } from "./room-suggestion";

const rooms = [
  { room_id: "kitchen", name: "Kitchen" },
  { room_id: "bedroom", name: "Bedroom" },
  { room_id: "bedroom_2", name: "Bedroom 2" },
  { room_id: "living_room", name: "Living room" },
  { room_id: "hall", name: "Hall" },
];

describe("suggestRoom", () => {
  it.each([
    ["Kitchen motion sensor", "kitchen"],
    ["kitchen_motion", "kitchen"],
    ["Bedroom 2 lamp", "bedroom_2"],
    ["Lamp bedroom", "bedroom"],
    ["living-room.thermostat", "living_room"],
    ["Hallway light", undefined],
    ["0x00158d0001a2b3c4", undefined],
    ["", undefined],
  ])("%s → %s", (name, expected) => {
    expect(suggestRoom(name, rooms)?.room_id).toBe(expected);
  });

  it("knows no room when there are none", () => {
    expect(suggestRoom("Kitchen lamp", [])).toBeUndefined();
  });
});
