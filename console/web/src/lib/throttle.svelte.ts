/**
 * A counter that follows a fast-changing source at most once per `ms`: live state arrives one
 * WebSocket message at a time (thousands per poll cycle on a province), and views that summarise
 * every node should redo that work a few times a second, not per message. Call during component init.
 */
export function throttledTick(source: () => unknown, ms: number): { readonly value: number } {
  let value = $state(0);
  let timer: ReturnType<typeof setTimeout> | null = null;
  $effect(() => {
    source();
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      value++;
    }, ms);
  });
  $effect(() => () => {
    if (timer !== null) clearTimeout(timer);
  });
  return {
    get value() {
      return value;
    },
  };
}
