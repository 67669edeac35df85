import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "nix-sample",
  description: "Next.js + Express + shared UI, built with pnpm, Turborepo and Nix",
};

// Every page renders per request: the Content-Security-Policy's nonce (src/proxy.ts) is new each time, and a page
// prerendered at build time would carry scripts without it.
export const dynamic = "force-dynamic";

// Tailwind's system font stack: nothing is fetched from the network at build time (the Nix sandbox has none).
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="mx-auto my-8 max-w-2xl px-4 font-sans text-gray-900 antialiased">{children}</body>
    </html>
  );
}
