import { describe, expect, it } from "vitest";
import { WebSocketTokens } from "./websocket-tokens";

describe("WebSocketTokens", () => {
  it("verifies a token for its user until it expires", () => {
    let now = 1_000_000;
    const tokens = new WebSocketTokens({ now: () => now });
    const grant = tokens.issue(7);
    expect(grant).toMatchObject({ token_type: "Bearer", expires_in: 1800 });
    expect(tokens.verify(grant.access_token)?.userId).toBe(7);
    now += 1799 * 1000;
    expect(tokens.verify(grant.access_token)?.userId).toBe(7);
    now += 1000;
    expect(tokens.verify(grant.access_token)).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it("refuses forged, long-lived-looking and revoked tokens", () => {
    const tokens = new WebSocketTokens();
    const grant = tokens.issue(1);
    expect(tokens.verify(`${grant.access_token}x`)).toBeUndefined();
    expect(tokens.verify("hth_whatever")).toBeUndefined();
    tokens.revokeUser(1);
    expect(tokens.verify(grant.access_token)).toBeUndefined();
    const phone = tokens.issue(2, "session:a");
    const laptop = tokens.issue(2, "session:b");
    expect(tokens.verify(phone.access_token)).toEqual({ userId: 2, credential: "session:a" });
    tokens.revokeCredential("session:a");
    expect(tokens.verify(phone.access_token)).toBeUndefined();
    expect(tokens.verify(laptop.access_token)).toEqual({ userId: 2, credential: "session:b" });
  });

  it("keeps at most 50 tokens per person, dropping the oldest", () => {
    const tokens = new WebSocketTokens();
    const first = tokens.issue(3);
    for (let i = 0; i < 50; i++) tokens.issue(3);
    const other = tokens.issue(4);
    expect(tokens.verify(first.access_token)).toBeUndefined();
    expect(tokens.verify(other.access_token)?.userId).toBe(4);
    expect(tokens.size).toBe(51);
  });
});
