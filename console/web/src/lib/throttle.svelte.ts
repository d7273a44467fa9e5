/**
 * A counter that follows a fast-changing source at most once per `ms`: live state arrives one
 * WebSocket message at a time (thousands per poll cycle on a province), and views that summarise
 * every node should redo that work a few times a second, not per message. Call during component init.
 */
import { untrack } from 'svelte';

export function throttledTick(source: () => unknown, ms: number): { readonly value: number } {
  let value = $state(0);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let changedMeanwhile = false;
  // Leading edge (the first change shows at once), then at most one more per `ms`.
  const open = () => {
    timer = setTimeout(() => {
      timer = null;
      if (!changedMeanwhile) return;
      changedMeanwhile = false;
      value++;
      open();
    }, ms);
  };
  $effect(() => {
    source();
    if (timer !== null) {
      changedMeanwhile = true;
      return;
    }
    untrack(() => value++);
    open();
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
