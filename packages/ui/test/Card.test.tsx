import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Card } from "../src/index";

afterEach(cleanup);

describe("Card", () => {
  it("is a labelled region with its title as a heading", () => {
    render(<Card title="Recent">body text</Card>);
    const region = screen.getByRole("region", { name: "Recent" });
    expect(within(region).getByRole("heading", { level: 2 }).textContent).toBe("Recent");
    expect(region.textContent).toContain("body text");
  });

  it("renders a footer only when given one", () => {
    const { container, rerender } = render(<Card title="A" />);
    expect(container.querySelector("footer")).toBeNull();
    rerender(<Card title="A" footer="3 items" />);
    expect(container.querySelector("footer")?.textContent).toBe("3 items");
  });
});
