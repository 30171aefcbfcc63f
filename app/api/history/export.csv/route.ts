// GET /api/history/export.csv?entity_id=a,b&start_time=&end_time=[&statistics=hour] — raw history or statistics as a CSV download
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute(({ api, req }) => {
  const q = req.nextUrl.searchParams;
  // Validated and counted here, before the response starts: a bad or oversized request is a JSON error.
  const csv = api.history.exportCsv({
    entity_id: q.get("entity_id") ?? undefined,
    start_time: q.get("start_time") ?? undefined,
    end_time: q.get("end_time") ?? undefined,
    statistics: q.get("statistics") ?? undefined,
  });
  const chunks = csv.body[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${csv.filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "X-Row-Count": String(csv.rows),
    },
  });
});
