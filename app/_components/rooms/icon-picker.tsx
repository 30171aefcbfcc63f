"use client";
import { useId } from "react";
import type { IconName } from "@/devices/presentation/entity-icon";
import { ROOM_ICONS, roomIconLabel } from "@/devices/presentation/room-icon";
import { EntityIcon } from "../entity/entity-icon";

/** Radio buttons for a room's icon (or none), drawn as icon swatches; arrow keys move between them. */
export function IconPicker({ value, onChange, legend = "Icon", disabled = false }: { value: IconName | null; onChange: (icon: IconName | null) => void; legend?: string; disabled?: boolean }) {
  const name = useId();
  return (
    <fieldset className="icon-picker" disabled={disabled}>
      <legend className="field-label">{legend}</legend>
      <div className="icon-choices">
        <label className="icon-choice" title="No icon">
          <input type="radio" name={name} checked={value === null} onChange={() => onChange(null)} />
          <span className="icon-swatch" aria-hidden="true">
            —
          </span>
          <span className="visually-hidden">No icon</span>
        </label>
        {ROOM_ICONS.map((icon) => (
          <label key={icon} className="icon-choice" title={roomIconLabel(icon)}>
            <input type="radio" name={name} checked={value === icon} onChange={() => onChange(icon)} />
            <span className="icon-swatch" aria-hidden="true">
              <EntityIcon name={icon} size={22} />
            </span>
            <span className="visually-hidden">{roomIconLabel(icon)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
