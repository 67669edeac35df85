// The browser's only way to the API: same-origin, so the sample flow needs no CORS. Cross-site requests, bodies
// that aren't JSON or are over 16 KiB never reach the API; the API's answer is parsed before it is passed on.
import { noteInput, validationProblem } from "@repo/contracts/notes";
import { createNote, errorResponse } from "@/lib/api";
import { readJsonBody, refuseCrossSite } from "@/lib/request";

export async function POST(request: Request): Promise<Response> {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const input = noteInput.safeParse(body.value);
  if (!input.success) return Response.json(validationProblem(input.error), { status: 400 });
  try {
    return Response.json({ note: await createNote(input.data.text) }, { status: 201 });
  } catch (err) {
    return errorResponse("POST /api/notes", err);
  }
}
