// Matches what the publisher sent with what the page showed. A message (entity, k, sent at) counts as rendered
// the first time that entity's card shows value k or a newer one (a newer one first = "superseded": the page
// skipped k, as it may when two values of one entity arrive in one frame); lost = nothing as new within LOSS_MS.

export const LOSS_MS = 5000;

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(values) {
  const s = Float64Array.from(values).sort();
  return { n: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s.length ? s[s.length - 1] : null };
}

/**
 * Per entity, the (k, time) series in time order. `raw` reads k from one observation; for lights it is k mod 100,
 * unwrapped here against the previous observation (a light never moves 100 values between two of them).
 */
function series(observations, entityOf, raw) {
  const byEntity = new Map();
  for (const obs of observations) {
    const idx = entityOf(obs);
    if (idx === undefined) continue;
    let list = byEntity.get(idx);
    if (!list) byEntity.set(idx, (list = []));
    list.push(obs);
  }
  const out = new Map();
  for (const [idx, list] of byEntity) {
    list.sort((a, b) => a.t - b.t);
    const points = [];
    let lastK = 0;
    for (const obs of list) {
      let k = raw(idx, obs);
      if (k === undefined || !Number.isFinite(k)) continue;
      const modulo = obs.modulo;
      if (modulo) {
        k = lastK - (lastK % modulo) + k;
        if (k < lastK) k += modulo;
      }
      lastK = Math.max(lastK, k);
      points.push({ k, t: obs.t });
    }
    out.set(idx, points);
  }
  return out;
}

/** Latency of each measured message against one series; returns the latencies and the counts. */
function match(sent, measured, points) {
  const latencies = [];
  let superseded = 0;
  let lost = 0;
  const cursor = new Map();
  for (const i of measured) {
    const idx = sent.entity[i];
    const k = sent.k[i];
    const list = points.get(idx) ?? [];
    let c = cursor.get(idx) ?? 0;
    while (c < list.length && list[c].k < k) c++;
    cursor.set(idx, c);
    const hit = list[c];
    const latency = hit ? hit.t - sent.sentAt[i] : Infinity;
    if (!hit || latency > LOSS_MS) {
      lost++;
      continue;
    }
    if (hit.k > k) superseded++;
    latencies.push(latency);
  }
  return { latencies, superseded, lost };
}

/**
 * Figures for the messages sent in [from, to) to the open room's entities. `records` are the page's DOM records
 * ([entity id, text, t, frame rendered t], page clock); `changes` the entity changes in the WebSocket frames as the
 * page's JS got them (page clock) and `probeChanges` as the node probe got them (our clock), each
 * [t, entity id, state, brightness]; `offset` = page clock minus ours.
 */
export function analyze({ fleet, idToIndex, roomIndexes, sent, from, to, records, changes, probeChanges, offset }) {
  const measured = [];
  for (let i = 0; i < sent.count; i++) {
    if (sent.sentAt[i] >= from && sent.sentAt[i] < to && roomIndexes.has(sent.entity[i])) measured.push(i);
  }
  const entityOf = (obs) => idToIndex.get(obs.id);
  const modulo = (id) => fleet.entities[idToIndex.get(id)]?.modulo ?? 0;
  const dom = records.map(([id, text, t]) => ({ id, text, t: t - offset, modulo: modulo(id) }));
  const frames = records.filter((r) => r[3] > 0).map(([id, text, , f]) => ({ id, text, t: f - offset, modulo: modulo(id) }));
  const wsObs = (list, shift) => list.map(([t, id, state, brightness]) => ({ id, state, brightness, t: t - shift, modulo: modulo(id) }));
  const readText = (idx, obs) => fleet.entities[idx].readK(obs.text);
  const readWs = (idx, obs) => {
    const e = fleet.entities[idx];
    const v = e.kind === "light" ? obs.brightness : obs.state;
    return v === undefined || v === null ? undefined : e.readRaw(v);
  };
  const domMatch = match(sent, measured, series(dom, entityOf, readText));
  const frameMatch = match(sent, measured, series(frames, entityOf, readText));
  const wsMatch = match(sent, measured, series(wsObs(changes, offset), entityOf, readWs));
  const probeMatch = match(sent, measured, series(wsObs(probeChanges, 0), entityOf, readWs));
  const d = summary(domMatch.latencies);
  return {
    measured: measured.length,
    rendered: domMatch.latencies.length,
    lost: domMatch.lost,
    superseded: domMatch.superseded,
    p50_ms: d.p50,
    p90_ms: d.p90,
    p99_ms: d.p99,
    max_ms: d.max,
    frame: summary(frameMatch.latencies),
    ws: { ...summary(wsMatch.latencies), lost: wsMatch.lost },
    probe: { ...summary(probeMatch.latencies), lost: probeMatch.lost },
  };
}
