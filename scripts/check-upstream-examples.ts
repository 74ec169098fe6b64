// CI step: the project's CRDs, on a real API server, accept every object the upstream projects wrote
// (shared/upstream-examples) except the documented docs fragments that upstream's own CRDs reject too.
// Usage: node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs scripts/check-upstream-examples.ts <examples dir>
import { existsSync } from 'node:fs';
import {
  KNOWN_INVALID_UPSTREAM_EXAMPLES,
  LocalControlPlane,
  dryRunUpstreamExamples,
} from '@internal/test-kube';

async function main() {
  const dir = process.argv[2];
  if (!dir || !existsSync(dir)) {
    console.log(
      `upstream examples: ${dir ?? '(no dir given)'} not found, skipped`,
    );
    return 0;
  }
  const plane = await LocalControlPlane.start({
    clusters: { central: ['capi', 'kamaji', 'addons'] },
  });
  try {
    const results = await dryRunUpstreamExamples(
      plane.kubeConfig('central'),
      dir,
    );
    const problems = results.filter(r =>
      r.outcome === 'rejected'
        ? !KNOWN_INVALID_UPSTREAM_EXAMPLES.has(r.file)
        : r.outcome === 'accepted' &&
          KNOWN_INVALID_UPSTREAM_EXAMPLES.has(r.file),
    );
    const count = (o: string) => results.filter(r => r.outcome === o).length;
    console.log(
      `upstream examples: ${count('accepted')} accepted, ${count(
        'rejected',
      )} rejected, ` +
        `${count('not served')} of kinds the project does not serve, ${
          problems.length
        } problems`,
    );
    for (const p of problems) {
      console.log(
        `  ${p.file}: ${p.kind} ${p.name}: ${p.outcome}${
          p.message ? `: ${p.message}` : ''
        }`,
      );
    }
    return problems.length ? 1 : 0;
  } finally {
    await plane.stop();
  }
}

main().then(
  code => process.exit(code),
  err => {
    console.error(err);
    process.exit(1);
  },
);
