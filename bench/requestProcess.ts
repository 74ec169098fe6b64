/*
 * The child side of a bench script run by floors.ts in a process of its own: reads the JSON
 * request file, writes the JSON result file, and exits (open connections or timers do not keep
 * it alive). Usage in the script: `answerRequest('what', handle)`; argv: REQUEST_JSON RESULT_JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export function answerRequest<Request, Result>(
  what: string,
  handle: (request: Request) => Promise<Result>,
): void {
  const [requestFile, resultFile] = process.argv.slice(2);
  handle(JSON.parse(readFileSync(requestFile, 'utf8')))
    .then(result => {
      writeFileSync(resultFile, JSON.stringify(result));
      process.exit(0);
    })
    .catch(e => {
      process.stderr.write(`${what}: ${e?.stack ?? e}\n`);
      process.exit(1);
    });
}
