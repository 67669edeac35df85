import type { ButtonHTMLAttributes } from "react";

export type ButtonVariant = "primary" | "secondary";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  /** While true the button is disabled and says so to assistive technology. */
  busy?: boolean;
}

// Plain Tailwind classes: the app's stylesheet scans this package's source (`@source` in its globals.css).
const base =
  "inline-flex cursor-pointer items-center gap-2 rounded-lg border border-blue-700 px-4 py-2 font-medium disabled:cursor-not-allowed disabled:opacity-60";

const variants: Record<ButtonVariant, string> = {
  primary: "bg-blue-700 text-white hover:bg-blue-800",
  secondary: "bg-white text-blue-700 hover:bg-blue-50",
};

/** A styled `<button>`: type="button" unless told otherwise, so it never submits a form by accident. */
export function Button({
  variant = "primary",
  busy = false,
  type = "button",
  disabled,
  className,
  children,
  ...rest
}: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      className={[base, variants[variant], className].filter(Boolean).join(" ")}
    >
      {children}
    </button>
  );
}
