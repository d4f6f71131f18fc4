/** encodeURIComponent leaves ' ( ) * unescaped, which RFC 5987's attr-char does not allow. */
const rfc5987 = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `Content-Disposition: attachment` for a stored file's name: an ASCII-only `filename` (anything else becomes
 * "_", so no quote, slash or control character reaches the header) plus the exact name as RFC 5987 `filename*`.
 */
export function attachmentDisposition(filename: string): string {
  const base = filename.split(/[\\/]/).pop() || "download";
  const ascii = base.replace(/[^A-Za-z0-9._ -]/g, "_").replace(/^\.+/, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(base)}`;
}
