import { RunStopped, StopAction } from "./script-ports";

/**
 * Where a stored run resumes (the `path`, `dueAt` and `branches` of an automation_pending "run" row): the path
 * below its sequence to the step it waited in and when that wait was due. At a `parallel` step the path ends at
 * the parallel and `branches` says where each branch was, in the same form (a branch may itself wait in a
 * parallel). Rows from before parallel runs were kept have no `branches`: they read the same.
 */
export interface Resume {
  path: string[];
  dueAt: number | null;
  /** By branch index: where it waits, or how it ended. A branch missing was between waits: it is not run again. */
  branches?: Record<string, Resume | BranchEnd>;
}

/** A branch that ended before the run was stored: it is not run again; a failure is raised when the parallel ends. */
export type BranchEnd = "done" | { failed: string; stop?: boolean; isError?: boolean };

type TrackState =
  | { at: "busy" }
  | { at: "wait"; path: string[]; dueAt: number | null }
  | { at: "parallel"; path: string[]; branches: Track[] }
  | { at: "ended"; end: BranchEnd };

/**
 * One line of a run: the run itself or one branch of a parallel. It is at a wait, in a parallel, between waits
 * ("busy", which a restart does not resume: the steps it ran are not run twice) or ended.
 */
export class Track {
  /** The sequence this track runs, as a trace path: ["actions"] or [...parallel step, "parallel", "1"]. */
  readonly base: string[];
  state: TrackState = { at: "busy" };

  constructor(base: string[]) {
    this.base = base;
  }

  /** Where this track would resume, if it or a branch below it waits; else how it ended, or undefined (busy). */
  snapshot(): Resume | BranchEnd | undefined {
    const s = this.state;
    const rel = (path: string[]) => path.slice(this.base.length);
    switch (s.at) {
      case "busy":
        return undefined;
      case "ended":
        return s.end;
      case "wait":
        return { path: rel(s.path), dueAt: s.dueAt };
      case "parallel": {
        const branches: Record<string, Resume | BranchEnd> = {};
        let waits = false;
        for (const [i, b] of s.branches.entries()) {
          const at = b.snapshot();
          if (at === undefined) continue;
          branches[String(i)] = at;
          waits ||= isResume(at);
        }
        return waits ? { path: rel(s.path), dueAt: null, branches } : undefined;
      }
    }
  }
}

export function isResume(at: Resume | BranchEnd | undefined): at is Resume {
  return typeof at === "object" && "path" in at;
}

/** The resume point one level down (the first `n` path segments were taken by the step that read them). */
export function down(at: Resume | undefined, n = 1): Resume | undefined {
  return at && { ...at, path: at.path.slice(n) };
}

/** Every wait a stored run is in, as trace paths below `base` ("actions/0/parallel/1/0"), with when each is due. */
export function waitsOf(at: Resume, base: string[] = ["actions"]): Array<{ path: string; dueAt: number | null }> {
  const here = [...base, ...at.path];
  if (!at.branches) return [{ path: here.join("/"), dueAt: at.dueAt }];
  return Object.entries(at.branches).flatMap(([i, b]) => (isResume(b) ? waitsOf(b, [...here, "parallel", i]) : []));
}

/** The trace paths of the steps a resumed run enters again (the waits and every step around them). */
export function reenteredSteps(at: Resume, base: string[] = ["actions"]): Set<string> {
  const out = new Set<string>();
  const here = [...base, ...at.path];
  for (let i = base.length + 1; i <= here.length; i++) out.add(here.slice(0, i).join("/"));
  for (const [i, b] of Object.entries(at.branches ?? {})) if (isResume(b)) for (const p of reenteredSteps(b, [...here, "parallel", i])) out.add(p);
  return out;
}

/** The earliest time any of its waits is due (the row's `due_at`), or null when they all wait for an event. */
export function earliestDue(at: Resume): number | null {
  const dues = waitsOf(at)
    .map((w) => w.dueAt)
    .filter((d): d is number => d !== null);
  return dues.length > 0 ? Math.min(...dues) : null;
}

/**
 * Runs a parallel step's branches, each on its own Track (`changed` is told whenever one ends), and answers the
 * branches (counted from 1) a resumed run does not run again: missing from `saved`, they were between waits when
 * the hub stopped. Every branch runs to its end; then the first failure in branch order is the parallel's (HA's
 * gather with return_exceptions), a failure stored before a restart included.
 */
export async function runParallel(o: {
  path: string[];
  track: Track;
  count: number;
  saved: Resume["branches"];
  branch: (i: number, track: Track, resume: Resume | undefined) => Promise<void>;
  changed: () => void;
}): Promise<number[]> {
  const tracks = Array.from({ length: o.count }, (_, i) => new Track([...o.path, "parallel", String(i)]));
  const lost: number[] = [];
  for (const [i, t] of tracks.entries()) {
    const at = o.saved?.[String(i)];
    if (!o.saved || isResume(at)) continue;
    t.state = { at: "ended", end: at ?? "done" };
    if (at === undefined) lost.push(i + 1);
  }
  o.track.state = { at: "parallel", path: o.path, branches: tracks };
  const results = await Promise.allSettled(
    tracks.map(async (t, i) => {
      if (t.state.at === "ended") return;
      const at = o.saved?.[String(i)];
      try {
        await o.branch(i, t, isResume(at) ? at : undefined);
        t.state = { at: "ended", end: "done" };
      } catch (err) {
        // A stopped run keeps its branches where they wait.
        if (!(err instanceof RunStopped)) t.state = { at: "ended", end: branchEnd(err) };
        throw err;
      } finally {
        o.changed();
      }
    }),
  );
  o.track.state = { at: "busy" };
  o.changed();
  for (const [i, r] of results.entries()) {
    if (r.status === "rejected") throw r.reason;
    const end = o.saved?.[String(i)];
    if (typeof end === "object" && "failed" in end) throw end.stop ? new StopAction(end.failed, end.isError ?? false) : new Error(end.failed);
  }
  return lost;
}

function branchEnd(err: unknown): BranchEnd {
  if (err instanceof StopAction) return { failed: err.reason, stop: true, isError: err.isError };
  return { failed: err instanceof Error ? err.message : String(err) };
}
