import { z } from 'zod';
import { fleetQuerySchema, queryInteger } from '../api/inputs';

const labelSelectorSchema = z
  .object({
    matchLabels: z.record(z.string().max(63)).optional(),
    matchExpressions: z
      .array(
        z
          .object({
            key: z.string().min(1).max(317),
            operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: z.array(z.string().max(63)).max(100).optional(),
          })
          .strict(),
      )
      .max(20)
      .optional(),
  })
  .strict();

/** The body of `POST /v1/upgrade-plans` (see UpgradePlanRequest in kamaji-common). */
export const upgradePlanBodySchema = z
  .object({
    version: z
      .string()
      .min(1)
      .max(64)
      .regex(/^v\d+\.\d+\.\d+$/, 'version must look like v1.35.2'),
    selection: fleetQuerySchema
      .pick({
        managementCluster: true,
        island: true,
        owner: true,
        health: true,
        version: true,
      })
      .extend({ labelSelector: labelSelectorSchema.optional() })
      .strict()
      .optional(),
    waves: z
      .object({
        canary: z.number().int().min(0).max(1000).optional(),
        groupBy: z.enum(['island', 'site']).optional(),
        explicit: z
          .array(z.array(z.string().min(1).max(700)).min(1).max(10_000))
          .min(1)
          .max(1000)
          .optional(),
      })
      .strict()
      .optional(),
    maxConcurrent: z.number().int().min(1).max(100).optional(),
    soakSeconds: z.number().int().min(0).max(86_400).optional(),
    gateTimeoutSeconds: z.number().int().min(10).max(86_400).optional(),
    workers: z.boolean().optional(),
    whenDisconnected: z.enum(['wait', 'skip']).optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();

export const planIdSchema = z
  .object({ planId: z.string().uuid('planId must be a plan id (a UUID)') })
  .strict();

export const planListQuerySchema = z
  .object({
    limit: queryInteger(1, 200).default(50),
    offset: queryInteger(0, 10_000_000).default(0),
  })
  .strict();
