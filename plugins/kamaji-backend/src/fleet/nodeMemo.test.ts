import { NodeMemo } from './nodeMemo';

describe('NodeMemo', () => {
  const slim = { name: 'a' };
  const list = [slim];
  const inputs = () => ({
    object: slim,
    list,
    text: 'x',
    count: 1,
    missing: undefined as string | undefined,
    flat: { stale: true, lastSeenAt: '2026-12-04T10:00:00Z' },
  });
  const built: string[] = [];
  const build = (i: ReturnType<typeof inputs>) => {
    built.push(i.text);
    return { ...i };
  };

  function round(memo: NodeMemo, value: ReturnType<typeof inputs>) {
    memo.begin();
    const node = memo.node('n', build, value);
    memo.end();
    return node;
  }

  it('hands back the previous node when every input is the same object, value or flat record', () => {
    const memo = new NodeMemo();
    const first = round(memo, inputs());
    // new flat records with the same fields are the same input
    expect(round(memo, inputs())).toBe(first);
    expect(built).toHaveLength(1);
  });

  it.each([
    ['an object', { object: { name: 'a', conditions: [] } }],
    ['a flat object', { object: { name: 'b' } }],
    ['a list', { list: [slim] }],
    ['a text', { text: 'y' }],
    ['a number', { count: 2 }],
    ['an absent value', { missing: 'now here' }],
    ['a flat record field', { flat: { stale: true, lastSeenAt: 'later' } }],
  ])('builds again when %s changes', (_what, change) => {
    const memo = new NodeMemo();
    const first = round(memo, inputs());
    const next = round(memo, { ...inputs(), ...change } as any);
    expect(next).not.toBe(first);
    // and the new node is remembered in turn
    expect(round(memo, { ...inputs(), ...change } as any)).toBe(next);
  });

  it('builds again when an input is added, or when the build function is another', () => {
    const memo = new NodeMemo();
    const first = round(memo, inputs());
    expect(round(memo, { ...inputs(), extra: 1 } as any)).not.toBe(first);
    memo.begin();
    const other = memo.node('n', (i: object) => ({ ...i }), inputs());
    memo.end();
    expect(other).not.toBe(first);
  });

  it('hands back an adopted equal node instead of its own build', () => {
    const memo = new NodeMemo();
    round(memo, inputs());
    const published = { ...inputs() };
    memo.adopt('n', published);
    expect(round(memo, inputs())).toBe(published);
  });

  it('forgets nodes not built in the last round', () => {
    const memo = new NodeMemo();
    const first = round(memo, inputs());
    memo.begin();
    memo.end();
    expect(round(memo, inputs())).not.toBe(first);
  });
});
