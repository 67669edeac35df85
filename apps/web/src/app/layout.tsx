import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = {
  title: "nix-sample",
  description: "Next.js + Express + shared UI, built with pnpm, Turborepo and Nix",
};

// Every page renders per request: the Content-Security-Policy's nonce (src/proxy.ts) is new each time, and a page
// prerendered at build time would carry scripts without it.
export const dynamic = "force-dynamic";

// System fonts only: nothing is fetched from the network at build time (the Nix sandbox has none).
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body
        style={{
          fontFamily: "system-ui, sans-serif",
          maxWidth: "40rem",
          margin: "2rem auto",
          padding: "0 1rem",
        }}
      >
        {children}
      </body>
    </html>
  );
}
