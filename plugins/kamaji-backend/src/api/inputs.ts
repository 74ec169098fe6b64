import { InputError } from '@backstage/errors';
import { z } from 'zod';
import {
  AUDIT_ACTIONS,
  AUDIT_RESULTS,
  AuditAction,
  AuditResult,
  MAX_SCALE_REPLICAS,
  parseClusterOwner,
  parseKubeVersion,
} from '@kamaji-backstage/plugin-kamaji-common';
import type {
  DeleteCluster,
  GetAudit,
  GetCluster,
  GetClusterById,
  GetEvents,
  GetFleet,
  GetFleetSnapshot,
  ScaleCluster,
  UpgradeCluster,
} from '../schema/openapi';
import { spec } from '../schema/openapi';

/*
 * The same bounds as openapi.yaml, checked again in the handlers: the OpenAPI validator is the
 * first line, these schemas make each handler safe on its own and give messages that name the field.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * An integer query parameter: decimal digits only. (`z.coerce.number()` would also take `0.0`,
 * `1e3`, `0x10` or an empty string, which the spec's `type: integer` does not allow.)
 */
export const queryInteger = (min: number, max: number) =>
  z.preprocess(
    value =>
      typeof value === 'string' && /^[0-9]{1,16}$/.test(value)
        ? Number(value)
        : value,
    z
      .number({
        invalid_type_error: `must be a whole number from ${min} to ${max}, in decimal digits`,
      })
      .int()
      .min(min)
      .max(max),
  );

const dnsLabel = (what: string) =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(DNS_LABEL, `${what} must be a DNS label (a-z, 0-9, '-')`);
const dnsSubdomain = (what: string) =>
  z
    .string()
    .min(1)
    .max(253)
    .regex(
      DNS_SUBDOMAIN,
      `${what} must be a DNS subdomain (a-z, 0-9, '-', '.')`,
    );

const toArray = (v: unknown) => {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [v];
};

export const clusterPathSchema = z
  .object({
    managementCluster: dnsLabel('managementCluster'),
    namespace: dnsLabel('namespace'),
    name: dnsSubdomain('name'),
  })
  .strict();

const fleetFiltersSchema = z
  .object({
    managementCluster: dnsLabel('managementCluster').optional(),
    island: z
      .string()
      .min(5)
      .max(381)
      .regex(
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
        'island must be an island id, <management cluster>/<namespace>/<name>',
      )
      .optional(),
    owner: z
      .string()
      .min(1)
      .max(255)
      .regex(
        /^[A-Za-z0-9][-A-Za-z0-9_.:/]*$/,
        'owner must be a group entity ref or an owner label value',
      )
      .superRefine((value, ctx) => {
        const owner = parseClusterOwner(value);
        if ('problem' in owner)
          ctx.addIssue({ code: 'custom', message: `owner: ${owner.problem}` });
      })
      .optional(),
    health: z
      .preprocess(
        toArray,
        z
          .array(
            z.enum([
              'healthy',
              'progressing',
              'degraded',
              'unhealthy',
              'unknown',
            ]),
          )
          .max(5),
      )
      .optional(),
    version: z
      .string()
      .min(1)
      .max(16)
      .regex(
        /^v?[0-9]{1,4}(\.[0-9]{1,4}){0,2}$/,
        'version must be a version prefix such as v1.34 or v1.34.2',
      )
      .optional(),
    q: z.string().min(1).max(200).optional(),
    role: z
      .preprocess(
        toArray,
        z.array(z.enum(['management', 'island', 'tenant'])).max(3),
      )
      .optional(),
    atVersion: queryInteger(0, Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

/** `GET /v1/fleet/snapshot`: the filters and `atVersion`, no paging. */
export const fleetSnapshotQuerySchema = fleetFiltersSchema;

/** The `If-None-Match` header, as long as the spec allows it (for routes the validator skips). */
export const ifNoneMatchSchema = z
  .string()
  .max(spec.components.parameters.ifNoneMatch.schema.maxLength);

/** `GET /v1/fleet`: the filters, `atVersion` and the tenant page. */
export const fleetQuerySchema = fleetFiltersSchema
  .extend({
    limit: queryInteger(1, 1000).default(200),
    offset: queryInteger(0, 10_000_000).default(0),
  })
  .strict();

export const byIdQuerySchema = z
  .object({ id: z.string().min(1).max(700) })
  .strict();

export const eventsQuerySchema = z
  .object({
    since: queryInteger(0, Number.MAX_SAFE_INTEGER).optional(),
    epoch: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9]+$/)
      .optional(),
  })
  .strict();

const auditTime = (field: string) =>
  z
    .string()
    .max(40)
    .datetime({
      offset: true,
      message: `${field} must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z`,
    })
    .transform(v => new Date(v))
    .optional();

export const auditQuerySchema = z
  .object({
    limit: queryInteger(1, 500).default(50),
    offset: queryInteger(0, 10_000_000).default(0),
    cluster: z.string().min(1).max(700).optional(),
    actor: z.string().min(1).max(255).optional(),
    action: z.enum(AUDIT_ACTIONS as [AuditAction, ...AuditAction[]]).optional(),
    outcome: z
      .enum(AUDIT_RESULTS as [AuditResult, ...AuditResult[]])
      .optional(),
    from: auditTime('from'),
    to: auditTime('to'),
  })
  .strict()
  .refine(q => !q.from || !q.to || q.from < q.to, {
    path: ['to'],
    message: 'to must be later than from',
  });

export const upgradeBodySchema = z
  .object({
    version: z
      .string()
      .max(64)
      .refine(v => parseKubeVersion(v, { lenient: true }) !== undefined, {
        message:
          'version must be a Kubernetes version in semver form, e.g. "v1.34.2" (a missing leading "v" is added)',
      }),
    workers: z.boolean().optional(),
  })
  .strict();

export const scaleBodySchema = z
  .object({
    pool: dnsSubdomain('pool'),
    replicas: z.number().int().min(0).max(MAX_SCALE_REPLICAS),
  })
  .strict();

export const deleteQuerySchema = z
  .object({ confirm: z.string().min(1).max(253) })
  .strict();

/** Parses with a zod schema; a failure is an InputError naming each field. */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  where: string,
): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const field = issue.path.length ? issue.path.join('.') : where;
    return issue.message.startsWith(`${field} `)
      ? issue.message
      : `${field}: ${issue.message}`;
  });
  throw new InputError(`Invalid ${where}: ${problems.join('; ')}`);
}

/**
 * The request's query string as the client sent it (a repeated name gives a list), parsed with
 * `schema`. Not `req.query`: the OpenAPI validator has converted that one to the spec's types
 * already, and would hand `since=0.0` on as the integer 0.
 */
export function parseQuery<T extends z.ZodTypeAny>(
  schema: T,
  req: { originalUrl: string },
): z.output<T> {
  const params = new URL(req.originalUrl, 'http://localhost').searchParams;
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? values[0] : values;
  }
  return parseInput(schema, query, 'query');
}

/**
 * What each schema reads is what the spec declares (`openapi.yaml`, through the generated request
 * types): the compiler fails when a schema yields a field or type the spec lacks, or when the spec
 * gains a field a (strict) schema would refuse.
 */
type Reads<S extends z.ZodTypeAny, Spec> = [z.output<S>] extends [Spec]
  ? Exclude<keyof Spec, keyof z.input<S>> extends never
    ? true
    : { unreadSpecFields: Exclude<keyof Spec, keyof z.input<S>> }
  : { specType: Spec; schemaOutput: z.output<S> };

export const schemasReadTheSpec: [
  Reads<typeof clusterPathSchema, GetCluster['path']>,
  Reads<typeof fleetQuerySchema, GetFleet['query']>,
  Reads<typeof fleetSnapshotQuerySchema, GetFleetSnapshot['query']>,
  Reads<typeof byIdQuerySchema, GetClusterById['query']>,
  Reads<typeof eventsQuerySchema, GetEvents['query']>,
  // The generated type calls `from` `_from` (a reserved word of the generator) and types it Date.
  Reads<typeof auditQuerySchema, Omit<GetAudit['query'], '_from'>>,
  Reads<typeof upgradeBodySchema, UpgradeCluster['body']>,
  Reads<typeof scaleBodySchema, ScaleCluster['body']>,
  Reads<typeof deleteQuerySchema, DeleteCluster['query']>,
] = [true, true, true, true, true, true, true, true, true];
