// The package ships no types; this is the one call we make (its README: `aedesPersistencelevel(new Level(path))`).
declare module "aedes-persistence-level" {
  import type { Level } from "level";
  export default function aedesPersistenceLevel(db: Level<string, Buffer>): unknown;
}
