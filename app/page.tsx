import { requireUser } from "./_lib/current-user";

export default async function HomePage() {
  const { api } = await requireUser();
  const status = api.status();
  return <main><h1>{status.locationName ?? "Hearth"}</h1></main>;
}
