import type { LineDiff } from "./revision-diff";

const SIGN = { same: " ", added: "+", removed: "-" } as const;
const SAID = { added: "Added: ", removed: "Removed: " } as const;

const lines = (n: number): string => `${n} line${n === 1 ? "" : "s"}`;

/**
 * A YAML line diff: added lines green with "+", removed red with "-" (sign and words, never colour alone), unchanged
 * stretches folded. Long lines scroll sideways inside the box (focusable, so the keyboard can scroll it too).
 */
export function RevisionDiffView({ diff, against, label }: { diff: LineDiff; against: number | null; label: string }) {
  if (diff.added === 0 && diff.removed === 0) {
    return <p className="muted small">The YAML is the same as in revision {against}.</p>;
  }
  return (
    <div className="diff-wrap">
      <p className="small diff-caption">
        {against === null ? "The first version" : `Compared with revision ${against}`}:{" "}
        <span className="diff-count diff-count-added">+{lines(diff.added)} added</span>
        {against !== null && (
          <>
            , <span className="diff-count diff-count-removed">-{lines(diff.removed)} removed</span>
          </>
        )}
      </p>
      <div className="diff" role="region" aria-label={label} tabIndex={0}>
        <div className="diff-lines">
          {diff.rows.map((r, i) =>
            r.kind === "folded" ? (
              <div key={i} className="diff-line diff-folded">
                ⋯ {lines(r.count)} unchanged
              </div>
            ) : (
              <div key={i} className={`diff-line diff-${r.kind}`}>
                <span className="diff-sign" aria-hidden="true">
                  {SIGN[r.kind]}
                </span>
                {r.kind !== "same" && <span className="visually-hidden">{SAID[r.kind]}</span>}
                <span className="diff-text">{r.text === "" ? " " : r.text}</span>
              </div>
            ),
          )}
        </div>
      </div>
    </div>
  );
}
