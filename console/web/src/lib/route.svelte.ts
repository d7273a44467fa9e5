/** Hash routes, so a view can be bookmarked and opened on a wall screen: #/topology, #/node/<id>, … */
export type View = 'topology' | 'alerts' | 'security' | 'video' | 'certificates' | 'admin' | 'node';

export interface Route {
  view: View;
  /** The node id for #/node/<id>. */
  param: string | null;
}

const VIEWS: readonly View[] = ['topology', 'alerts', 'security', 'video', 'certificates', 'admin', 'node'];

function parse(hash: string): Route {
  const [view, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const known = VIEWS.find((v) => v === view);
  if (known === undefined) return { view: 'topology', param: null };
  const param = rest.length > 0 ? decodeURIComponent(rest.join('/')) : null;
  return { view: known, param };
}

class Router {
  current = $state<Route>(parse(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.current = parse(location.hash);
    });
  }

  go(view: View, param: string | null = null): void {
    location.hash = param === null ? `#/${view}` : `#/${view}/${encodeURIComponent(param)}`;
  }
}

export const router = new Router();
