/**
 * A room for a device in the "New devices" inbox, guessed from its name: "Kitchen motion sensor" → Kitchen,
 * "Bedroom 2 lamp" → Bedroom 2 (the longest room name that appears as whole words wins). Devices that came
 * with a suggested_area were placed already; this catches the rest, e.g. Zigbee2MQTT friendly names.
 */
export function suggestRoom<R extends { room_id: string; name: string }>(deviceName: string, rooms: readonly R[]): R | undefined {
  const words = normalise(deviceName);
  if (words === "") return undefined;
  let best: R | undefined;
  let bestLength = 0;
  for (const room of rooms) {
    const name = normalise(room.name);
    if (name === "" || name.length <= bestLength) continue;
    if (` ${words} `.includes(` ${name} `)) {
      best = room;
      bestLength = name.length;
    }
  }
  return best;
}

/** Lower case, accents kept, separators (space, _, -, ., /) as single spaces. */
function normalise(text: string): string {
  return text
    .toLocaleLowerCase()
    .replace(/[\s_\-./]+/g, " ")
    .trim();
}
