"use client";

import { Button } from "@repo/ui/button";
import { useActionState } from "react";
import { deleteNoteAction, type FormState } from "./actions";

/** Deletes one note through a Server Action: a one-button form, so it works before JavaScript loads too. */
export function DeleteNoteButton({ id, text }: { id: string; text: string }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(deleteNoteAction, {});

  return (
    <form action={formAction} style={{ display: "contents" }}>
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="secondary" busy={pending} aria-label={`Delete note: ${text}`}>
        Delete
      </Button>
      {state.error ? (
        <span role="alert" style={{ color: "#b91c1c" }}>
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
