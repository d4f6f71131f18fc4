// Addresses are normalised for search in SQL (esiid_normalize_address): one normaliser for stored rows and queries.

/** The address as people write it: Oncor's inner padding collapsed. */
export function displayAddress(address: string | null, overflow: string | null): string {
  return [address, overflow]
    .filter(Boolean)
    .map((part) => part!.replace(/\s+/g, " ").trim())
    .join(", ");
}
