/** One page of items a screen holds in full (e.g. a dashboard's rows). */
export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; hasNext: boolean } {
  return { items: items.slice(page * size, (page + 1) * size), hasNext: items.length > (page + 1) * size };
}
