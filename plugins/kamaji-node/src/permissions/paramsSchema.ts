/**
 * Parameter schemas of the permission rules, as Standard Schema objects that also convert to
 * JSON Schema (what `@backstage/plugin-permission-node` 0.11 asks for). Written by hand because the
 * zod this package is built with (3.x) predates the Standard JSON Schema interface and the rules
 * have one or two trivial parameters.
 */

type JsonSchema = Record<string, unknown>;

type Issue = { message: string; path?: PropertyKey[] };

/** The Standard Schema v1 + Standard JSON Schema v1 shape, declared structurally. */
export interface RuleParamsSchema<T> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) => { value: T; issues?: undefined } | { issues: ReadonlyArray<Issue> };
    readonly types?: { readonly input: T; readonly output: T };
    readonly jsonSchema: {
      readonly input: (options: { readonly target: string }) => JsonSchema;
      readonly output: (options: { readonly target: string }) => JsonSchema;
    };
  };
}

type PropertySpec =
  | { type: 'string'; description: string; maxLength?: number }
  | { type: 'string-array'; description: string; maxItems?: number }
  | { type: 'enum'; description: string; values: readonly string[] };

function checkProperty(
  name: string,
  spec: PropertySpec,
  value: unknown,
): Issue | undefined {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' &&
        value.length <= (spec.maxLength ?? 1024)
        ? undefined
        : { message: `${name} must be a string`, path: [name] };
    case 'string-array':
      return Array.isArray(value) &&
        value.length <= (spec.maxItems ?? 1000) &&
        value.every(v => typeof v === 'string')
        ? undefined
        : { message: `${name} must be an array of strings`, path: [name] };
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value)
        ? undefined
        : {
            message: `${name} must be one of ${spec.values.join(', ')}`,
            path: [name],
          };
    default:
      return { message: `${name} has an unknown schema`, path: [name] };
  }
}

function toJsonSchema(spec: PropertySpec): JsonSchema {
  switch (spec.type) {
    case 'string':
      return { type: 'string', description: spec.description };
    case 'string-array':
      return {
        type: 'array',
        items: { type: 'string' },
        description: spec.description,
      };
    case 'enum':
      return {
        type: 'string',
        enum: [...spec.values],
        description: spec.description,
      };
    default:
      return {};
  }
}

/**
 * A schema for an object of required properties, none extra.
 */
export function objectParams<T extends Record<string, unknown>>(properties: {
  [K in keyof T]: PropertySpec;
}): RuleParamsSchema<T> {
  const names = Object.keys(properties) as Array<keyof T & string>;
  const jsonSchema = (): JsonSchema => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: Object.fromEntries(
      names.map(n => [n, toJsonSchema(properties[n])]),
    ),
    required: names,
    additionalProperties: false,
  });
  return {
    '~standard': {
      version: 1,
      vendor: 'kamaji-backstage',
      validate(value: unknown) {
        if (
          typeof value !== 'object' ||
          value === null ||
          Array.isArray(value)
        ) {
          return { issues: [{ message: 'parameters must be an object' }] };
        }
        const record = value as Record<string, unknown>;
        const issues: Issue[] = [];
        for (const n of names) {
          const issue = checkProperty(n, properties[n], record[n]);
          if (issue) issues.push(issue);
        }
        for (const k of Object.keys(record)) {
          if (!names.includes(k as keyof T & string)) {
            issues.push({ message: `unknown parameter ${k}`, path: [k] });
          }
        }
        return issues.length ? { issues } : { value: record as T };
      },
      jsonSchema: { input: jsonSchema, output: jsonSchema },
    },
  };
}
