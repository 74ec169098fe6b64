/*
 * A design probe, not a product path: what a leaner whole-fleet snapshot would cost a Node client.
 * Reads a snapshot the backend served (`yarn bench --large --dump-snapshot FILE`), leaves out of
 * it what a client could restore (empty lists, default values, control-plane fields equal to the
 * tenant's own, the islands' tenant id lists), and times both forms, gzipped as the backend sends
 * them, served by a bare node:http server and read by a Node client in its own process, A and B
 * alternating. Usage: `yarn bench:lean SNAPSHOT.json [--rounds N]`.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { clientFloor } from './floors';
import { fmt, numberArg, percentile, Stats, writeResults } from './lib';

type Json = Record<string, any>;

const isEmptyList = (value: unknown) => Array.isArray(value) && !value.length;

function withoutEqual(part: Json, equalTo: Json): Json {
  const kept = { ...part };
  for (const [key, value] of Object.entries(equalTo)) {
    if (kept[key] === value) delete kept[key];
  }
  return kept;
}

function leanTenant(tenant: Json): Json {
  const lean: Json = { ...tenant };
  for (const key of Object.keys(lean)) {
    if (isEmptyList(lean[key])) delete lean[key];
  }
  if (!lean.health?.reasons?.length)
    lean.health = { status: lean.health.status };
  if (!lean.staleness?.stale) delete lean.staleness;
  if (Object.values(lean.workers ?? {}).every(count => count === 0)) {
    delete lean.workers;
  }
  const { tenantControlPlane, kamajiControlPlane } = lean.controlPlane ?? {};
  lean.controlPlane = {
    ...(tenantControlPlane && {
      tenantControlPlane: withoutEqual(tenantControlPlane, {
        hostedIn: lean.islandId,
        endpoint: lean.endpoint,
        version: lean.versions?.running,
      }),
    }),
    ...(kamajiControlPlane && {
      kamajiControlPlane: withoutEqual(kamajiControlPlane, {
        name: lean.name,
        namespace: lean.namespace,
        version: lean.versions?.declared,
      }),
    }),
  };
  return lean;
}

function leanSnapshot(snapshot: Json): Json {
  return {
    ...snapshot,
    tenants: snapshot.tenants.map(leanTenant),
    islands: snapshot.islands.map(({ tenantIds, ...island }: Json) => island),
  };
}

/** The median over the rounds of each round's p50 and p95. */
function medianOfRounds(rounds: Stats[]): { p50: number; p95: number } {
  const median = (key: 'p50' | 'p95') =>
    percentile(
      rounds.map(round => round[key]).sort((a, b) => a - b),
      50,
    );
  return { p50: median('p50'), p95: median('p95') };
}

async function main() {
  const file = process.argv[2];
  if (!file || file.startsWith('--')) {
    throw new Error(
      'usage: yarn bench:lean SNAPSHOT.json (write one with yarn bench --large --dump-snapshot FILE)',
    );
  }
  const rounds = numberArg('rounds', 3);
  const full = JSON.parse(readFileSync(file, 'utf8'));
  const forms = { full, lean: leanSnapshot(full) };
  const bodies = Object.entries(forms).map(([name, body]) => {
    const json = JSON.stringify(body);
    return { name, jsonBytes: json.length, gzipped: gzipSync(json) };
  });
  const runs = new Map<string, Stats[]>(bodies.map(b => [b.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const body of bodies) {
      runs.get(body.name)!.push(await clientFloor(body.gzipped, 60, 10));
    }
  }
  const lines = [
    `# Lean snapshot probe ${new Date().toISOString().slice(0, 16)}Z`,
    '',
    `- Command: \`yarn bench:lean ${file} --rounds ${rounds}\`; ${full.tenants.length} tenants, ${full.islands.length} islands.`,
    '- Each form gzipped (level 6), served by a bare node:http server, read 60 times after 10 warm-ups by a Node client in its own process (fetch, gunzip, JSON.parse); forms alternate; figures are the medians of the rounds.',
    '',
    '| form | JSON | gzip | p50 (ms) | p95 (ms) |',
    '|---|---|---|---|---|',
    ...bodies.map(body => {
      const { p50, p95 } = medianOfRounds(runs.get(body.name)!);
      return `| ${body.name} | ${(body.jsonBytes / 1e6).toFixed(1)} MB | ${(
        body.gzipped.length / 1024
      ).toFixed(0)} KiB | ${fmt(p50)} | ${fmt(p95)} |`;
    }),
  ];
  const date = new Date().toISOString().slice(0, 10);
  writeResults(
    `${lines.join('\n')}\n`,
    'latest-lean-snapshot.md',
    `${date}-lean-snapshot.md`,
  );
}

main().catch(e => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
