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
      className="my-4 rounded-xl border border-gray-200 bg-white px-5 py-4 shadow-sm"
    >
      <h2 className="mb-3 text-lg font-semibold">{title}</h2>
      {children}
      {footer ? <footer className="mt-3 text-sm text-gray-500">{footer}</footer> : null}
    </section>
  );
}
