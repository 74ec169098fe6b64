/* eslint-disable no-console */
/**
 * Prints a token of a catalog user, signed in through the guest provider of a running backend
 * whose config includes `--config-file` (see guestSignIn.ts).
 *   node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs test/kube/src/demo/signIn.ts \
 *     --url http://localhost:8201 --config-file sign-in.yaml --user user:default/alice --group group:default/team-retail
 * Without --url it only writes the config file (to start the backend with).
 */
import { parseArgs } from 'node:util';
import { guestRefreshAt, guestSignIn, writeGuestSignIn } from './guestSignIn';

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      'config-file': { type: 'string' },
      user: { type: 'string' },
      group: { type: 'string' },
    },
  });
  const { url, user, group } = values;
  const configFile = values['config-file'];
  if (!configFile || !user)
    throw new Error(
      'usage: signIn.ts [--url U --group REF] --config-file F --user REF',
    );
  if (!url) {
    writeGuestSignIn(configFile, user);
    return;
  }
  if (!group) throw new Error('--group is required with --url');
  console.log(await guestSignIn(guestRefreshAt(url), configFile, user, group));
}

main().catch(e => {
  console.error(`signIn: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
