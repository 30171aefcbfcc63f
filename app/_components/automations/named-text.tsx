import { Fragment } from "react";
import { formatMoment, splitText, type DisplayNames } from "./display-text";

// Long ids wrap after their dots and underscores on a phone, not in the middle of a word.
const breakable = (id: string) =>
  id.split(/(?<=[._])/).map((piece, i) => (
    <Fragment key={i}>
      {i > 0 && <wbr />}
      {piece}
    </Fragment>
  ));

/**
 * A line of rule or trace text with known entity and device ids shown by name and ISO times in the home's zone.
 * `ids="show"` keeps an entity's id visible, small and muted, after its name (the YAML says it); `ids="title"` (compact
 * rows) and device ids (random hex, meaningless to read) keep it as a tooltip only.
 */
export function NamedText({ text, names, timeZone, ids = "show" }: { text: string; names: DisplayNames; timeZone: string; ids?: "show" | "title" }) {
  return (
    <>
      {splitText(text, names).map((p, i) => {
        if (typeof p === "string") return p;
        if (p.kind === "time") {
          return (
            <time key={i} dateTime={p.iso} title={`${p.iso} (${timeZone})`}>
              {formatMoment(p.at, timeZone)}
            </time>
          );
        }
        return (
          <span key={i} className="named" title={p.id}>
            {p.name}
            {ids === "show" && p.kind === "entity" && (
              <>
                {" "}
                <span className="named-id">({breakable(p.id)})</span>
              </>
            )}
          </span>
        );
      })}
    </>
  );
}
