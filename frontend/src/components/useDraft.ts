import { useEffect, useState } from "react";

/**
 * Form state kept in the tab's session storage as it is typed: a session that ends mid-form sends the person to
 * sign in, and the form comes back with what they had typed.
 */
export function useDraft<T extends object>(key: string, empty: T): [T, (next: T) => void, () => void] {
  const storageKey = `pacer.draft.${key}`;
  const [value, setValue] = useState<T>(() => {
    const stored = sessionStorage.getItem(storageKey);
    if (stored === null) return empty;
    try {
      return { ...empty, ...(JSON.parse(stored) as Partial<T>) };
    } catch {
      return empty;
    }
  });
  useEffect(() => {
    sessionStorage.setItem(storageKey, JSON.stringify(value));
  }, [storageKey, value]);
  const clear = () => {
    sessionStorage.removeItem(storageKey);
    setValue(empty);
  };
  return [value, setValue, clear];
}
