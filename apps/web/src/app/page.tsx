import { notePage, type NotePage } from "@repo/db/schema";
import { Card } from "@repo/ui/card";
import { ApiError, apiGet, UNAVAILABLE } from "@/lib/api";
import { NoteForm, NoteList } from "./forms";

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
    const query = typeof after === "string" ? `?${new URLSearchParams({ after }).toString()}` : "";
    page = await apiGet(`/notes${query}`, notePage);
  } catch (err) {
    // Visitors get a panel (status 200), never a 500 page; the log has the cause.
    if (!(err instanceof ApiError)) console.error("web: rendering /:", err);
    problem = err instanceof ApiError && err.status < 500 ? err.message : UNAVAILABLE;
  }
  const { notes, nextCursor } = page;

  return (
    <main>
      <h1 className="text-3xl font-bold tracking-tight">nix-sample</h1>
      <p className="mt-2 text-gray-600">
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
                  {/* A plain link: the next page is a new server render either way, and next/link would add 3 kB of JS. */}
                  <a
                    href={`/?after=${encodeURIComponent(nextCursor)}`}
                    rel="next"
                    className="text-blue-700 underline"
                  >
                    More
                  </a>
                </>
              ) : null}
            </>
          )
        }
      >
        {problem ? (
          <p role="alert" data-testid="api-error" className="text-red-700">
            Could not load notes: {problem}
          </p>
        ) : notes.length === 0 ? (
          <p className="text-gray-500">No notes yet.</p>
        ) : (
          <NoteList notes={notes} />
        )}
      </Card>
      <NoteForm />
    </main>
  );
}
