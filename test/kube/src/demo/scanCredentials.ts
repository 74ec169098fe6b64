/* eslint-disable no-console */
/**
 * Scans recorded responses (HAR files, e.g. schemathesis' `--report har`) and a backend log for
 * credential material of a local control plane (credentialPatterns). Exits 1 on any finding.
 *   node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs test/kube/src/demo/scanCredentials.ts \
 *     --state-dir .kube-local/fuzz --har a.har --har b.har --log backend.log
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  credentialPatterns,
  findCredentials,
  findCredentialsInLog,
  responseText,
} from '../fleet/fleetPlane';

/** Each response of a HAR file as the scan reads it. */
function harResponses(file: string): string[] {
  const har = JSON.parse(readFileSync(file, 'utf8'));
  return (har.log?.entries ?? []).map((e: any) =>
    responseText({
      status: e.response.status,
      method: e.request.method,
      url: e.request.url,
      headers: e.response.headers,
      body: e.response.content?.text ?? '',
    }),
  );
}

function main() {
  const { values } = parseArgs({
    options: {
      'state-dir': { type: 'string' },
      har: { type: 'string', multiple: true, default: [] },
      log: { type: 'string', multiple: true, default: [] },
    },
  });
  const stateDir = values['state-dir'];
  if (!stateDir) throw new Error('--state-dir is required');
  const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
  const patterns = credentialPatterns({ state });
  const responses = values.har.flatMap(harResponses);
  const logs = values.log.map(f => readFileSync(f, 'utf8'));
  const found = [
    ...findCredentials(responses, patterns),
    ...logs.flatMap(log => findCredentialsInLog(log, patterns)),
  ];
  const lines = logs.reduce((n, log) => n + log.split('\n').length, 0);
  console.log(
    `credential scan: ${responses.length} responses, ${lines} log lines, ${found.length} findings`,
  );
  for (const f of found) console.log(`  ${f}`);
  if (found.length) process.exit(1);
}

main();
