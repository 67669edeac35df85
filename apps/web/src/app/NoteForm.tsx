"use client";

import { Button } from "@repo/ui/button";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

/** Posts a note to /api/notes (this web server), then re-renders the page so the list comes from the API again. */
export function NoteForm() {
  const router = useRouter();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await fetch("/api/notes", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        setError(body.message ?? `failed (${res.status})`);
        return;
      }
      setText("");
      router.refresh();
    } catch {
      setError("the web server is unreachable");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={(e) => void onSubmit(e)}
      aria-label="Add a note"
      style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}
    >
      <input
        name="text"
        aria-label="Note text"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Write a note"
        style={{ flex: 1, padding: "0.5rem", font: "inherit" }}
      />
      <Button type="submit" busy={busy}>
        Add note
      </Button>
      {error ? (
        <p role="alert" data-testid="form-error" style={{ flexBasis: "100%", color: "#b91c1c", margin: 0 }}>
          {error}
        </p>
      ) : null}
    </form>
  );
}
