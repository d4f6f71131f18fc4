import { ownCopy } from "./csv-records";

/** A memo for values that repeat on every row; cleared when full so a pathological file cannot grow it. */
export class BoundedCache<Value> {
  /** Each value with its own copy of its text (ownCopy: a slice of the record would pin its chunk). */
  private readonly entries = new Map<string, { text: string; value: Value }>();
  /** The last entry asked for: consecutive rows mostly repeat a value, and a comparison beats a lookup. */
  private last: { text: string; value: Value } | null = null;
  constructor(private readonly limit = 1000) {}
  get(text: string, compute: (text: string) => Value): Value {
    if (this.last !== null && text === this.last.text) return this.last.value;
    let entry = this.entries.get(text);
    if (entry === undefined) {
      const owned = ownCopy(text);
      entry = { text: owned, value: compute(owned) };
      if (this.entries.size >= this.limit) this.entries.clear();
      this.entries.set(owned, entry);
    }
    this.last = entry;
    return entry.value;
  }
}
