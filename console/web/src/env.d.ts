// The runes ($state, $derived…) are globals declared by svelte's own types; the root tsc needs them too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference types="svelte" />
/// <reference types="vite/client" />

declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<Record<string, never>>;
  export default component;
}
