/*
 * The real CAPI core manager for the demo (scripts/demo.sh --real-capi), the same way the tests
 * run it (startCapiPlane):
 *   realCapi.ts prepare --state-dir <dir> --webhook-port <port>
 *     before `kubeplane up`: a serving certificate of the plane's CA in <dir>/capi/webhook-certs and
 *     the CRD sets in <dir>/capi/crds (the upstream CAPI CRDs of ../shared/upstream-crds with the
 *     manager's conversion webhook, the project's KamajiControlPlane, the test provider's CRDs);
 *   realCapi.ts manager --state-dir <dir> --webhook-port <port>
 *     once the plane runs: starts the manager against central with its webhooks, prints its start
 *     time and memory, and keeps it running until SIGTERM/SIGINT.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalControlPlane } from '../LocalControlPlane';
import {
  CapiManager,
  caBundleOf,
  ensureCapiManagerBuilt,
  issueServingCert,
} from '../capi/CapiManager';
import { writeCapiCrdSets } from '../capi/capiPlane';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'state-dir': { type: 'string' },
      'webhook-port': { type: 'string' },
    },
  });
  const [command] = positionals;
  const stateDir = values['state-dir'];
  const webhookPort = Number(values['webhook-port']);
  if (!stateDir || !Number.isInteger(webhookPort) || webhookPort <= 0)
    throw new Error(
      'usage: realCapi.ts prepare|manager --state-dir <dir> --webhook-port <port>',
    );
  const certDir = join(stateDir, 'capi', 'webhook-certs');
  if (command === 'prepare') {
    ensureCapiManagerBuilt();
    issueServingCert(stateDir, certDir);
    writeCapiCrdSets(
      join(stateDir, 'capi', 'crds'),
      webhookPort,
      caBundleOf(stateDir),
    );
    return;
  }
  if (command !== 'manager')
    throw new Error(`unknown command ${command}: prepare or manager`);
  const plane = LocalControlPlane.attach(stateDir);
  const manager = await CapiManager.start(plane, { webhookPort, certDir });
  // eslint-disable-next-line no-console
  console.info(
    `capi-manager: ready in ${manager.startSeconds.toFixed(1)} s, RSS ${mib(
      manager.rssBytes(),
    )} (pid ${manager.pid})`,
  );
  const stop = () => {
    manager.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Every minute, its memory (what the README's figures come from).
  setInterval(
    // eslint-disable-next-line no-console
    () => console.info(`capi-manager: RSS ${mib(manager.rssBytes())}`),
    60_000,
  );
}

main().catch(e => {
  // eslint-disable-next-line no-console
  console.error(`realCapi: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
