/*
 * A throwaway PostgreSQL server for the replica harness, started by scripts/postgres.sh (the same
 * server the test suite uses), with every data-changing statement logged with the client's
 * application_name, so writes can be attributed to the replica that made them.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths';

export interface LoggedStatement {
  at: number;
  /** The client's application_name (one per replica). */
  client: string;
  database: string;
  statement: string;
  /** The DETAIL line with the bound parameters, when there is one. */
  parameters: string;
}

/** INSERT, UPDATE or DELETE. */
export const isWrite = (s: LoggedStatement) =>
  /^\s*(insert|update|delete)\b/i.test(s.statement);

export class ThrowawayPostgres {
  private constructor(
    /** postgresql://postgres@127.0.0.1:<port> */
    readonly url: string,
    private readonly dataDir: string,
    private readonly runAs: string[],
    private readonly binDir: string,
  ) {}

  static start(): ThrowawayPostgres {
    const out = execFileSync(
      'bash',
      [
        '-c',
        'source scripts/postgres.sh >&2; [ -n "${KB_PG_DATA:-}" ] || exit 3; ' +
          'echo "$KB_PG_DATA"; echo "${KB_PG_RUN:-}"; echo "$(kb_pg_bin)"; env | grep "^BACKSTAGE_TEST_DATABASE_POSTGRES.*_CONNECTION_STRING=" | head -n 1',
      ],
      { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).split('\n');
    const [dataDir, runAs, binDir, connection] = out;
    const pg = new ThrowawayPostgres(
      connection.slice(connection.indexOf('=') + 1),
      dataDir,
      runAs ? runAs.split(' ') : [],
      binDir,
    );
    pg.sql(
      "ALTER SYSTEM SET log_statement = 'mod'",
      "ALTER SYSTEM SET log_line_prefix = '%m [%a@%d] '",
      'SELECT pg_reload_conf()',
    );
    return pg;
  }

  /** Runs statements with psql as postgres; returns the unaligned output of the last one. */
  sql(...statements: string[]): string {
    return this.sqlIn('postgres', ...statements);
  }

  /** {@link sql} in another database, e.g. a plugin's (`backstage_plugin_<id>`). */
  sqlIn(database: string, ...statements: string[]): string {
    const url = new URL(this.url);
    return execFileSync(
      join(this.binDir, 'psql'),
      [
        '-h',
        url.hostname,
        '-p',
        url.port,
        '-U',
        'postgres',
        '-d',
        database,
        '-At',
        '-v',
        'ON_ERROR_STOP=1',
        ...statements.flatMap(s => ['-c', s]),
      ],
      { encoding: 'utf8' },
    ).trim();
  }

  /**
   * Statements logged since the server started: every data-changing one (log_statement = mod),
   * and every one in databases set to log_statement = all.
   */
  statements(): LoggedStatement[] {
    const lines = readFileSync(join(this.dataDir, 'server.log'), 'utf8').split(
      '\n',
    );
    const out: LoggedStatement[] = [];
    for (let i = 0; i < lines.length; i++) {
      const m =
        /^(\S+) (\S+) UTC \[([^\]@]*)@([^\]]*)\] LOG:\s+(?:statement|execute [^:]*): (.*)$/.exec(
          lines[i],
        );
      if (!m) continue;
      const detail = /\] DETAIL:\s+parameters: (.*)$/i.exec(lines[i + 1] ?? '');
      out.push({
        at: Date.parse(`${m[1]}T${m[2]}Z`),
        client: m[3],
        database: m[4],
        statement: m[5],
        parameters: detail ? detail[1] : '',
      });
    }
    return out;
  }

  /** Stops the server and removes its data; `keepLogIn`: copy its log there first. */
  stop(keepLogIn?: string): void {
    if (keepLogIn)
      cpSync(join(this.dataDir, 'server.log'), join(keepLogIn, 'postgres.log'));
    try {
      execFileSync(
        this.runAs[0] ?? join(this.binDir, 'pg_ctl'),
        [
          ...this.runAs.slice(1),
          ...(this.runAs.length ? [join(this.binDir, 'pg_ctl')] : []),
          '-D',
          this.dataDir,
          '-m',
          'immediate',
          'stop',
        ],
        { stdio: 'ignore' },
      );
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}
