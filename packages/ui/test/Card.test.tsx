import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, expect, it } from "vitest";
import { Card } from "../src/index";

afterEach(cleanup);

it("is a region labelled and headed by its title, with a footer only when given one", () => {
  const { rerender } = render(<Card title="Recent">body text</Card>);
  const region = screen.getByRole("region", { name: "Recent" });
  expect(within(region).getByRole("heading", { level: 2 }).textContent).toBe("Recent");
  expect(region.querySelector("footer")).toBeNull();
  rerender(<Card title="Recent" footer="3 items" />);
  expect(region.querySelector("footer")?.textContent).toBe("3 items");
});
