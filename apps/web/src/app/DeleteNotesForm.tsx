"use client";

import type { ReactNode } from "react";
import { useActionState } from "react";
import { deleteNoteAction, type FormState } from "./actions";

/**
 * One form around the whole list, bound to the delete Server Action: each note's Delete button is a plain
 * submit button carrying `name="id" value=<the note's id>`, so the browser (or React, with JavaScript) sends the
 * id of the button pressed. It works before JavaScript loads too. One form for the page, not one per note:
 * every action-bound form renders its own action state, and twenty of them cost about a sixth of the page's
 * throughput (docs/BENCHMARKS.md).
 */
export function DeleteNotesForm({ children }: { children: ReactNode }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(deleteNoteAction, {});

  return (
    <form action={formAction} aria-busy={pending || undefined}>
      {state.error ? (
        <p role="alert" style={{ color: "#b91c1c" }}>
          {state.error}
        </p>
      ) : null}
      <fieldset disabled={pending} style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
        {children}
      </fieldset>
    </form>
  );
}
