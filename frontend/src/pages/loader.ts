// Code loaded once per page, in a form React's `use` can read without suspending once it has arrived.

/** A module promise marked as it settles the way React's `use` reads a promise (`status`, `value`, `reason`: the
 * convention React itself applies after a first suspension), so a page whose code arrived before it is first shown
 * renders at once. Suspending would show the loading fallback, and React then holds the page back for 300 ms after
 * a fallback appeared before showing it (bench/PERFORMANCE.md, the console). */
export function loader<Module>(load: () => Promise<Module>): () => Promise<Module> {
  let loading: Promise<Module> | undefined;
  return () => {
    if (loading === undefined) {
      const promise: Promise<Module> & { status?: string; value?: Module; reason?: unknown } = load();
      promise.then(
        (value) => {
          promise.status = "fulfilled";
          promise.value = value;
        },
        (reason: unknown) => {
          promise.status = "rejected"; // thrown where the page is shown
          promise.reason = reason;
        },
      );
      loading = promise;
    }
    return loading;
  };
}
