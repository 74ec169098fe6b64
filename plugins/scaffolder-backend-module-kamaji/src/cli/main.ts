/* eslint-disable no-console */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigReader } from '@backstage/config';
import { parseDocument } from 'yaml';
import { readScaffolderSettings } from '../config';
import { RENDER_KINDS, RenderKind, renderKind } from '../render/renderKind';
import { toYaml } from '../render/objects';
import { KamajiInputError } from '../render/validation';
import { defaultScaffolderSettings } from '../render/settings';

const USAGE = `Usage: kamaji-render render <${RENDER_KINDS.join(
  '|',
)}> <values.yaml> [options]

Prints the Kubernetes objects for the values as multi-document YAML, exactly as the
Backstage actions kamaji:tenant:create, kamaji:island:create and kamaji:addonset:create
would apply them (without the fleet checks, which need a running backend).

Options:
  --config <app-config.yaml>   read kamaji.scaffolder (island profiles, versions, ...) from it
  --requested-by <entity ref>  add the kamaji-backstage.io/requested-by annotation
  --task-id <id>               add the kamaji-backstage.io/task-id annotation
  -h, --help                   show this help

Exit codes: 0 rendered, 1 invalid values or configuration, 2 wrong usage.`;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => string;
}

const defaultIo: Io = {
  out: t => process.stdout.write(t),
  err: t => process.stderr.write(t),
  readFile: p => readFileSync(p, 'utf8'),
};

function readYaml(io: Io, path: string, what: string): unknown {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (e: any) {
    throw new Error(
      `cannot read the ${what} ${path}: ${e?.code ?? e?.message ?? e}`,
    );
  }
  // Merge keys (`<<: *defaults`) are YAML 1.1, which Helm and kubectl read too: merged here as well.
  const doc = parseDocument(text, {
    prettyErrors: true,
    uniqueKeys: true,
    merge: true,
  });
  if (doc.errors.length) {
    throw new Error(
      `${path} is not valid YAML:\n${doc.errors
        .map(e => `  ${e.message}`)
        .join('\n')}`,
    );
  }
  try {
    return doc.toJS();
  } catch (e: any) {
    throw new Error(
      `${path} is not valid YAML: ${
        e?.message ?? e
      } (a merge key takes an anchored mapping or a list of them, e.g. '<<: *defaults')`,
    );
  }
}

const OPTIONS = {
  config: { type: 'string' },
  'requested-by': { type: 'string' },
  'task-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Options {
  config?: string;
  requestedBy?: string;
  taskId?: string;
  help: boolean;
}

/** The options and positionals of `argv`, or what is wrong with its options. */
function readCommandLine(
  argv: string[],
): { options: Options; positionals: string[] } | string {
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const known = OPTIONS[token.name as keyof typeof OPTIONS];
    if (!known) return `unknown option ${token.rawName}`;
    if (known.type === 'string' && token.value === undefined) {
      return `${token.rawName} needs a value`;
    }
  }
  const text = (name: keyof typeof OPTIONS) =>
    values[name] as string | undefined;
  const options: Options = {
    config: text('config'),
    requestedBy: text('requested-by'),
    taskId: text('task-id'),
    help: values.help === true,
  };
  return { options, positionals };
}

/** Renders the values file's objects to `io.out`; resolves with the exit code. */
function renderValues(
  io: Io,
  kind: RenderKind,
  valuesFile: string,
  options: Options,
): number {
  try {
    const settings = options.config
      ? readScaffolderSettings(
          new ConfigReader(
            (readYaml(io, options.config, 'config file') ?? {}) as any,
          ),
        )
      : defaultScaffolderSettings();
    const values = readYaml(io, valuesFile, 'values file');
    const objects = renderKind(kind, values, {
      settings,
      provenance: {
        requestedBy: options.requestedBy,
        taskId: options.taskId,
      },
    });
    io.out(toYaml(objects));
    return 0;
  } catch (e: any) {
    if (e instanceof KamajiInputError) {
      io.err(`kamaji-render: ${valuesFile}: ${e.message}\n`);
    } else {
      io.err(`kamaji-render: ${e?.message ?? e}\n`);
    }
    return 1;
  }
}

/**
 * Runs the CLI; resolves with the exit code.
 *
 * @public
 */
export async function main(
  argv: string[],
  io: Io = defaultIo,
): Promise<number> {
  const line = readCommandLine(argv);
  if (typeof line === 'string') {
    io.err(`kamaji-render: ${line}\n\n${USAGE}\n`);
    return 2;
  }
  if (line.options.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const [command, kind, valuesFile, ...rest] = line.positionals;
  if (command !== 'render' || !kind || !valuesFile || rest.length) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  if (!(RENDER_KINDS as readonly string[]).includes(kind)) {
    io.err(
      `kamaji-render: unknown kind '${kind}': use one of ${RENDER_KINDS.join(
        ', ',
      )}\n`,
    );
    return 2;
  }
  return renderValues(io, kind as RenderKind, valuesFile, line.options);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => process.exit(code));
}
