// Deletes one note for the browser: same guard as POST /api/notes (no cross-site requests), then the API's
// DELETE /notes/:id. 204 when it was deleted, the API's 404 when there was no such note.
import { deleteNote, errorResponse } from "@/lib/api";
import { refuseCrossSite } from "@/lib/request";

export async function DELETE(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const { id } = await params;
  try {
    await deleteNote(id);
    return new Response(null, { status: 204 });
  } catch (err) {
    return errorResponse("DELETE /api/notes/[id]", err);
  }
}
