import { useSyncExternalStore } from "react";

const subscribeNever = () => () => {};

/** False during server render and hydration, true afterwards: for values only the browser knows. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
}
