"use client";

import { Button } from "@repo/ui/button";
import { useActionState } from "react";
import { createNoteAction, type FormState } from "./actions";

/**
 * Adds a note through a Server Action. Before JavaScript loads (or without it) the browser posts the form and gets
 * the page back; after, React submits it in the background. Either way an error shows here, with what was typed.
 */
export function NoteForm() {
  const [state, formAction, pending] = useActionState<FormState, FormData>(createNoteAction, {});

  return (
    <form
      action={formAction}
      aria-label="Add a note"
      style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}
    >
      <input
        name="text"
        aria-label="Note text"
        defaultValue={state.values?.text}
        placeholder="Write a note"
        style={{ flex: 1, padding: "0.5rem", font: "inherit" }}
      />
      <Button type="submit" busy={pending}>
        Add note
      </Button>
      {state.error ? (
        <p role="alert" data-testid="form-error" style={{ flexBasis: "100%", color: "#b91c1c", margin: 0 }}>
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
