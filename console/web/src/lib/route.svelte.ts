/**
 * Hash routes, so a view can be bookmarked and opened on a wall screen: #/overview, #/topology/<id>
 * (the map around a node), #/devices/<filter>, #/node/<id>, #/reports/<month>/county/<id>, #/wall, … An empty hash is 'home': the
 * app picks the overview or the map by network size.
 */
export type View =
  | 'home'
  | 'overview'
  | 'topology'
  | 'devices'
  | 'alerts'
  | 'security'
  | 'video'
  | 'certificates'
  | 'assets'
  | 'reports'
  | 'admin'
  | 'node'
  | 'wall';

export interface Route {
  view: View;
  /** The node id for #/node/<id> and #/topology/<id>, the filter for #/devices/<filter>. */
  param: string | null;
}

const VIEWS: readonly View[] = [
  'overview',
  'topology',
  'devices',
  'alerts',
  'security',
  'video',
  'certificates',
  'assets',
  'reports',
  'admin',
  'node',
  'wall',
];

function parse(hash: string): Route {
  const [view, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const known = VIEWS.find((v) => v === view);
  if (known === undefined) return { view: view === '' ? 'home' : 'topology', param: null };
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
    if (view === 'home') location.hash = '#/';
    else location.hash = param === null ? `#/${view}` : `#/${view}/${encodeURIComponent(param)}`;
  }
}

export const router = new Router();

/** A province-sized network opens on the overview (the map is its drill-down); a city's on the map. */
export const OVERVIEW_FIRST_NODES = 1500;

export function homeView(nodeCount: number): View {
  return nodeCount > OVERVIEW_FIRST_NODES ? 'overview' : 'topology';
}
