import { Button } from "@repo/ui/button";
import { Card } from "@repo/ui/card";
import Link from "next/link";
import { ApiError, listNotes, UNAVAILABLE, type NotePage } from "@/lib/api";
import { DeleteNotesForm } from "./DeleteNotesForm";
import { NoteForm } from "./NoteForm";

// Rendered per request, from what the API says now (API_URL is read at run time, not baked into the build).
export const dynamic = "force-dynamic";

/** `/` shows the first page of notes; `/?after=<cursor>` (the "More" link, a plain link) the page after it. */
export default async function Home({
  searchParams,
}: {
  searchParams: Promise<{ after?: string | string[] }>;
}) {
  const { after } = await searchParams;
  let page: NotePage = { notes: [], nextCursor: null };
  let problem: string | undefined;
  try {
    page = await listNotes(typeof after === "string" ? after : undefined);
  } catch (err) {
    // Whatever went wrong, visitors get the generic panel (status 200), never a 500 page; the log has the cause.
    if (!(err instanceof ApiError)) console.error("web: rendering /:", err);
    problem = err instanceof ApiError && err.status < 500 ? err.message : UNAVAILABLE;
  }
  const { notes, nextCursor } = page;

  return (
    <main>
      <h1>nix-sample</h1>
      <p>
        A Next.js page rendered on the server with data from the Express API, using the shared UI package.
      </p>
      <Card
        title="Notes from the API"
        footer={
          problem ? undefined : (
            <>
              {`${notes.length} note${notes.length === 1 ? "" : "s"}`}
              {nextCursor ? (
                <>
                  {" · "}
                  <Link href={`/?after=${encodeURIComponent(nextCursor)}`} rel="next">
                    More
                  </Link>
                </>
              ) : null}
            </>
          )
        }
      >
        {problem ? (
          <p role="alert" data-testid="api-error">
            Could not load notes: {problem}
          </p>
        ) : notes.length === 0 ? (
          <p>No notes yet.</p>
        ) : (
          <DeleteNotesForm>
            <ul data-testid="notes">
              {notes.map((note) => (
                <li
                  key={note.id}
                  data-note-id={note.id}
                  style={{ display: "flex", gap: "0.5rem", alignItems: "center", marginBottom: "0.25rem" }}
                >
                  <span style={{ flex: 1 }}>{note.text}</span>
                  <Button
                    type="submit"
                    name="id"
                    value={note.id}
                    variant="secondary"
                    aria-label={`Delete note: ${note.text}`}
                  >
                    Delete
                  </Button>
                </li>
              ))}
            </ul>
          </DeleteNotesForm>
        )}
      </Card>
      <NoteForm />
    </main>
  );
}
