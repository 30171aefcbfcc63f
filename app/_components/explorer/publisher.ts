/** Who published a message, in words: `$hub` is Hearth itself; null is unknown (restored, or an external broker). */
export function publisherLabel(clientId: string | null): string {
  if (clientId === "$hub") return "Hearth";
  return clientId ?? "an unknown client";
}
