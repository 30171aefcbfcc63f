import { useId } from "react";
import { formatBytes } from "../format";
import { formatPayload, type PayloadLike } from "./payload-format";

const CAPTIONS = { json: "Payload (JSON)", text: "Payload (text)", empty: "Payload (empty)", binary: "Payload (binary, shown as hex)" } as const;

/** A message's payload: JSON pretty-printed, text as is, binary as hex; says when only the start was kept. */
export function PayloadView({ message }: { message: PayloadLike }) {
  const id = useId();
  const { kind, text } = formatPayload(message);
  return (
    <figure className="payload" aria-labelledby={id}>
      <figcaption id={id} className="payload-caption">
        {CAPTIONS[kind]}
      </figcaption>
      {kind === "empty" ? (
        <p className="muted">The message had no payload.</p>
      ) : (
        <pre className="payload-text">
          {text}
        </pre>
      )}
      {message.truncated && <p className="field-hint">Only the start is shown: the whole payload is {formatBytes(message.size)}.</p>}
    </figure>
  );
}
