import { Link } from "@remix-run/react";
import { CopyButton } from "./CopyButton";

/** An identifier (no whitespace): one line, cut with an ellipsis, whole on hover and focus, with a copy button. */
export function Identifier({ value, label, href }: { value: string; label: string; href?: string }) {
  const text = (
    <span className="mono explorer-ident" title={value}>
      {value}
    </span>
  );
  return (
    <span className="explorer-ident-cell" data-identifier={label}>
      {href ? (
        <Link to={href} title={value}>
          {text}
        </Link>
      ) : (
        // Focusable so the keyboard can reveal the whole value, as hover does.
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        <span tabIndex={0} className="explorer-ident-focus">
          {text}
        </span>
      )}
      <CopyButton value={value} label={label} />
    </span>
  );
}
