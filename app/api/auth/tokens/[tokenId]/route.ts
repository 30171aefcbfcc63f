// DELETE /api/auth/tokens/:tokenId — revoke one of the signed-in person's tokens
import { errorResponse, scopedRoute } from "../../../../_lib/route";

export const DELETE = scopedRoute<{ tokenId: string }>(({ api, params, principal }) => {
  const id = Number(params.tokenId);
  if (!Number.isSafeInteger(id)) return errorResponse("not_found", "no such token");
  api.tokens.revoke(principal.user.id, id);
  return undefined;
});
