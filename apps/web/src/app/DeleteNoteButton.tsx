"use client";

import { Button } from "@repo/ui/button";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** Deletes one note through /api/notes/[id] (this web server), then re-renders the list from the API. */
export function DeleteNoteButton({ id, text }: { id: string; text: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function onDelete() {
    setBusy(true);
    setError(undefined);
    try {
      const res = await fetch(`/api/notes/${encodeURIComponent(id)}`, { method: "DELETE" });
      // 404: someone else deleted it already; either way it is gone, so show the list as it is now.
      if (!res.ok && res.status !== 404) {
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        setError(body.message ?? `failed (${res.status})`);
        return;
      }
      router.refresh();
    } catch {
      setError("the web server is unreachable");
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        variant="secondary"
        busy={busy}
        aria-label={`Delete note: ${text}`}
        onClick={() => void onDelete()}
      >
        Delete
      </Button>
      {error ? (
        <span role="alert" style={{ color: "#b91c1c" }}>
          {error}
        </span>
      ) : null}
    </>
  );
}
