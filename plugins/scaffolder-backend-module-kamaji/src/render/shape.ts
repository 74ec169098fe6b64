import { z } from 'zod';
import { Problems, zodProblems } from './validation';

/**
 * Reads an input with its schema (field names and types). When the shape is wrong, adds a
 * problem per field to `problems` and throws them as `Invalid <what>`; the caller adds the
 * problems of the values themselves to the same list.
 */
export function parseShape<Schema extends z.ZodTypeAny>(
  schema: Schema,
  raw: unknown,
  problems: Problems,
  what: string,
): z.infer<Schema> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    zodProblems(parsed.error, raw, problems);
    problems.throwIfAny(what);
  }
  return parsed.data;
}
