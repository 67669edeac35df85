// The browser's only way to the API: same-origin, so the sample flow needs no CORS.
import { ApiError, createNote } from "@/lib/api";

export async function POST(request: Request): Promise<Response> {
  let text: unknown;
  try {
    ({ text } = (await request.json()) as { text?: unknown });
  } catch {
    return Response.json({ error: "invalid_json", message: "the body is not valid JSON" }, { status: 400 });
  }
  try {
    return Response.json({ note: await createNote(text) }, { status: 201 });
  } catch (err) {
    if (err instanceof ApiError) {
      return Response.json({ error: err.code, message: err.message }, { status: err.status });
    }
    throw err;
  }
}
