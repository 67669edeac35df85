import type { ReactNode } from "react";

export interface CardProps {
  title: string;
  children?: ReactNode;
  footer?: ReactNode;
}

/** A titled panel; the title is a heading so pages keep a sensible outline. */
export function Card({ title, children, footer }: CardProps) {
  return (
    <section
      aria-label={title}
      style={{
        border: "1px solid #e5e7eb",
        borderRadius: "0.75rem",
        padding: "1rem 1.25rem",
        marginBlock: "1rem",
      }}
    >
      <h2 style={{ marginTop: 0, fontSize: "1.125rem" }}>{title}</h2>
      {children}
      {footer ? <footer style={{ marginTop: "0.75rem", color: "#6b7280" }}>{footer}</footer> : null}
    </section>
  );
}
