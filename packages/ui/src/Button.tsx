import type { ButtonHTMLAttributes } from "react";

export type ButtonVariant = "primary" | "secondary";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  /** While true the button is disabled and says so to assistive technology. */
  busy?: boolean;
}

const base =
  "display:inline-flex;align-items:center;gap:0.5rem;border-radius:0.5rem;padding:0.5rem 1rem;font:inherit;cursor:pointer;";

const variants: Record<ButtonVariant, string> = {
  primary: "background:#1d4ed8;color:#fff;border:1px solid #1d4ed8;",
  secondary: "background:#fff;color:#1d4ed8;border:1px solid #1d4ed8;",
};

/** A styled `<button>`: type="button" unless told otherwise, so it never submits a form by accident. */
export function Button({
  variant = "primary",
  busy = false,
  type = "button",
  disabled,
  children,
  ...rest
}: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      data-variant={variant}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      style={cssText(base + variants[variant])}
    >
      {children}
    </button>
  );
}

/** Turns "a:b;c-d:e" into React's style object, so the component ships without a CSS pipeline. */
function cssText(text: string): Record<string, string> {
  const style: Record<string, string> = {};
  for (const rule of text.split(";")) {
    const i = rule.indexOf(":");
    if (i <= 0) continue;
    const prop = rule
      .slice(0, i)
      .trim()
      .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    style[prop] = rule.slice(i + 1).trim();
  }
  return style;
}
