import type { ReactNode } from "react";

/**
 * A wide table scrolls inside this box, never the page (390 px phones). Focusable so the keyboard can scroll it
 * when the table holds no link or button.
 */
export function TableScroll({ children }: { children: ReactNode }) {
  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div className="table-scroll" tabIndex={0}>
      {children}
    </div>
  );
}
