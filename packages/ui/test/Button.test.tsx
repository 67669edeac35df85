import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, expect, it, vi } from "vitest";
import { Button } from "../src/Button";

afterEach(cleanup);

it("is type=button by default, so it never submits a surrounding form", () => {
  const onSubmit = vi.fn((e: Event) => e.preventDefault());
  render(
    <form onSubmit={(e) => onSubmit(e.nativeEvent)}>
      <Button>Plain</Button>
      <Button type="submit">Send</Button>
    </form>,
  );
  fireEvent.click(screen.getByRole("button", { name: "Plain" }));
  expect(onSubmit).not.toHaveBeenCalled();
  fireEvent.click(screen.getByRole("button", { name: "Send" }));
  expect(onSubmit).toHaveBeenCalledTimes(1);
});

it("is disabled and announces it while busy, with its variant's classes plus any given", () => {
  const onClick = vi.fn();
  render(
    <Button busy variant="secondary" className="w-full" onClick={onClick}>
      Saving
    </Button>,
  );
  const button = screen.getByRole("button", { name: "Saving" });
  fireEvent.click(button);
  expect(onClick).not.toHaveBeenCalled();
  expect(button.getAttribute("aria-busy")).toBe("true");
  expect([...button.classList]).toEqual(expect.arrayContaining(["bg-white", "w-full"]));
});
