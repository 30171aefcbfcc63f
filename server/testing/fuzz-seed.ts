/**
 * The fuzz tests' fast-check seed: fixed by default, so `npm test` (and CI) replays the same inputs every run and
 * a red run means a change broke something, not that the dice found an old bug. `FUZZ_SEED=<n>` replays a
 * printed failure; `FUZZ_SEED=random` explores new inputs (run it when working on the hub's input handling).
 */
export function fuzzSeed(): number | undefined {
  const asked = process.env.FUZZ_SEED;
  if (asked === "random") return undefined;
  return asked ? Number(asked) : 20261123;
}
