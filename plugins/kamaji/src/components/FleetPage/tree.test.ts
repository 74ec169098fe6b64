import { largeFleet, sampleFleet } from '../../__fixtures__/fleet';
import { buildFleetView, filtersFromParams } from './model';
import {
  expandedByDefault,
  keysToReveal,
  treeKeyAction,
  treeRoots,
  visibleRows,
  type TreeNode,
} from './tree';

const view = (f = sampleFleet(), q = '') =>
  buildFleetView(f, filtersFromParams(new URLSearchParams(q)));

describe('the topology tree', () => {
  it('flattens only what is expanded, with levels, positions and parents', () => {
    const roots = treeRoots(view());
    const rows = visibleRows(roots, expandedByDefault);
    expect(rows.map(r => [r.key, r.level, r.posInSet, r.setSize])).toEqual([
      ['management:cloud', 1, 1, 1],
      ['island:cloud/islands/factory-a', 2, 1, 3],
      ['island:cloud/islands/shop-b', 2, 2, 3],
      ['cloud:cloud', 2, 3, 3],
    ]);
    expect(rows.map(r => r.parentIndex)).toEqual([-1, 0, 0, 0]);
    const open = visibleRows(
      roots,
      n => expandedByDefault(n) || n.key === 'cloud:cloud',
    );
    expect(open[4]).toMatchObject({
      key: 'tenant:cloud/tenants/ci-runner',
      level: 3,
      parentIndex: 3,
    });
  });

  it('does not build the children of collapsed nodes (work follows the visible rows)', () => {
    const roots = treeRoots(view(largeFleet(500, 20)));
    let built = 0;
    const counting = (nodes: TreeNode[]): TreeNode[] =>
      nodes.map(n => ({
        ...n,
        children: n.children
          ? () => {
              built++;
              return counting(n.children!());
            }
          : undefined,
      }));
    const rows = visibleRows(counting(roots), expandedByDefault);
    expect(rows).toHaveLength(501);
    expect(built).toBe(1);
  });

  it('maps keys to tree moves', () => {
    const rows = visibleRows(treeRoots(view()), expandedByDefault);
    expect(treeKeyAction(rows, 0, 'ArrowDown')).toEqual({
      type: 'focus',
      index: 1,
    });
    expect(treeKeyAction(rows, 0, 'ArrowUp')).toBeUndefined();
    expect(treeKeyAction(rows, 3, 'ArrowDown')).toBeUndefined();
    expect(treeKeyAction(rows, 0, 'ArrowRight')).toEqual({
      type: 'focus',
      index: 1,
    });
    expect(treeKeyAction(rows, 1, 'ArrowRight')).toEqual({
      type: 'expand',
      index: 1,
    });
    expect(treeKeyAction(rows, 0, 'ArrowLeft')).toEqual({
      type: 'collapse',
      index: 0,
    });
    expect(treeKeyAction(rows, 2, 'ArrowLeft')).toEqual({
      type: 'focus',
      index: 0,
    });
    expect(treeKeyAction(rows, 2, 'End')).toEqual({ type: 'focus', index: 3 });
    expect(treeKeyAction(rows, 2, 'Home')).toEqual({ type: 'focus', index: 0 });
    expect(treeKeyAction(rows, 2, 'Enter')).toEqual({
      type: 'activate',
      index: 2,
    });
    expect(treeKeyAction(rows, 2, 'a')).toBeUndefined();
  });

  it('names the nodes to expand to reveal a cluster, per grouping', () => {
    const v = view();
    expect(keysToReveal(v, undefined, 'cloud/tenants/line-1')).toEqual([
      'island:cloud/islands/factory-a',
    ]);
    expect(keysToReveal(v, 'site', 'cloud/tenants/line-1')).toEqual([
      'island:cloud/islands/factory-a',
      'site:factory',
    ]);
    expect(keysToReveal(v, 'owner', 'cloud/tenants/line-2')).toEqual([
      'owner:group:default/team-retail',
    ]);
    expect(keysToReveal(v, undefined, 'cloud/tenants/ci-runner')).toEqual([
      'cloud:cloud',
    ]);
    expect(keysToReveal(v, 'site', 'cloud/islands/shop-b')).toEqual([
      'site:shop',
    ]);
    // every key names a node of that grouping's tree
    for (const g of [undefined, 'site', 'owner'] as const) {
      const all = visibleRows(treeRoots(v, g), () => true).map(r => r.key);
      for (const id of v.byId.keys())
        for (const k of keysToReveal(v, g, id)) expect(all).toContain(k);
    }
  });
});
