import { canManage, isLimited } from "@/devices/auth/access";
import { HubError } from "../errors";
import type { HubApi, UserView } from "../hub-api";
import type { Logger } from "../logger";
import type { AccountService } from "./account-service";
import type { SessionAdmin } from "./session-admin";

export interface PeopleDeps {
  accounts: AccountService;
  sessions: SessionAdmin;
  roomExists: (roomId: string) => boolean;
  log: Logger;
  /** Ends a person's live connections (WebSockets, explorer streams): they reconnect, or fail, under new rights. */
  endConnections: (userId: number) => void;
  /** Forgets a person's phones for push: house-wide notifications are for people who see the whole house. */
  forgetPhones: (userId: number) => void;
  /** A session or token credential ended: what it opened closes too. */
  revoked: (credential: string) => void;
}

/**
 * The household as owners and admins manage it (Settings → People, /api/users). The account rules (who may change
 * whom) live in AccountService; this adds what a change means for what is open: connections, tokens, phones.
 */
export class People {
  readonly #deps: PeopleDeps;

  constructor(deps: PeopleDeps) {
    this.#deps = deps;
  }

  api(): HubApi["people"] {
    const { accounts, log } = this.#deps;
    return {
      list: () => accounts.listUsers(),
      add: async (by, input) => {
        if (!canManage(by)) throw new HubError("forbidden", "only an owner or admin adds people");
        if (input.role === "owner" || (input.role === "admin" && by.role !== "owner")) throw new HubError("forbidden", "only the owner makes someone an admin");
        return accounts.addUser({ ...input, rooms: this.#knownRooms(input.rooms) });
      },
      update: async (by, userId, patch) => {
        const updated = await accounts.updateUser(by, userId, { ...patch, rooms: this.#knownRooms(patch.rooms) });
        this.#rightsChanged(userId, updated);
        if (patch.password !== undefined) this.#signOutEverywhere(userId);
        log.info({ module: "auth", by: by.username, user: updated.username, role: updated.role, rooms: updated.rooms, localOnly: updated.local_only }, "person changed");
        return updated;
      },
      remove: (by, userId) => {
        const removed = accounts.removeUser(by, userId);
        this.#rightsChanged(userId, undefined);
        log.info({ module: "auth", by: by.username, user: removed.username }, "person removed");
      },
    };
  }

  /** A room was deleted: it leaves every person's list (one made again later with the same name grants nothing). */
  roomRemoved(roomId: string): void {
    for (const userId of this.#deps.accounts.forgetRoom(roomId)) this.#rightsChanged(userId, this.#deps.accounts.findUser(userId));
  }

  /** Room ids as a person's list takes them: each must exist (undefined and null pass through). */
  #knownRooms(rooms: string[] | null | undefined): string[] | null | undefined {
    if (!rooms) return rooms;
    const unknown = rooms.filter((r) => !this.#deps.roomExists(r));
    if (unknown.length > 0) throw new HubError("invalid_input", `rooms: no room ${unknown.join(", ")}`);
    return [...new Set(rooms)];
  }

  #rightsChanged(userId: number, now: UserView | undefined): void {
    this.#deps.endConnections(userId);
    if (!now || isLimited(now)) this.#deps.forgetPhones(userId);
  }

  /** A password set by an admin (a lost or stolen one): every session and API token of the person ends. */
  #signOutEverywhere(userId: number): void {
    const { accounts, sessions, revoked } = this.#deps;
    const ended = sessions.revokeOthers(userId, undefined);
    for (const token of accounts.listTokens(userId)) ended.push(accounts.revokeToken(userId, token.id));
    for (const credential of ended) revoked(credential);
  }
}
