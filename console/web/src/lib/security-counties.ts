import { countyOf, type CountySecurityCount, type TopologyNodeView } from '../../../shared';

export interface CountyChoice {
  id: string;
  name: string;
}

/**
 * The 安全事件 page's county select: every county of the caller's tree (its topmost county-level
 * node, by countyOf as the per-county counts use), by name. A chosen county the tree does not hold
 * (above a scope that starts inside it, clicked in the counts) is kept, named as the counts name it,
 * so the select always shows what the search asks for.
 */
export function countyChoices(
  nodeById: ReadonlyMap<string, TopologyNodeView>,
  chosen: string,
  counted: readonly CountySecurityCount[],
): CountyChoice[] {
  const choices: CountyChoice[] = [];
  for (const node of nodeById.values())
    if (countyOf(node.id, nodeById)?.id === node.id) choices.push({ id: node.id, name: node.name });
  choices.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  if (chosen !== '' && !choices.some((choice) => choice.id === chosen))
    choices.push({ id: chosen, name: counted.find((c) => c.county === chosen)?.name ?? chosen });
  return choices;
}
