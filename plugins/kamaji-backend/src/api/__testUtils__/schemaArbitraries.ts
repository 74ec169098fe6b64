/*
 * TEST HELPER. fast-check arbitraries for the values an OpenAPI 3.0 schema describes (the subset
 * openapi.yaml uses), mixed with values it does not accept, to fuzz the API as a client would.
 */
import fc from 'fast-check';

export type Schema = Record<string, any>;

/** Resolves `$ref`s to `#/components/…` of `spec`. */
export function resolveRef<T extends Schema>(spec: Schema, value: T): T {
  let resolved: Schema = value;
  while (resolved?.$ref) {
    const path = (resolved.$ref as string).replace(/^#\//, '').split('/');
    resolved = path.reduce((node, key) => node[key], spec);
  }
  return resolved as T;
}

/** Text no schema of ours accepts: encodings, separators, control characters, sizes. */
export const junkText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '%zz',
    '..',
    '../..',
    '\u0000',
    'NaN',
    '-1',
    '1e309',
    '9007199254740993',
    '[]',
    '{}',
    'null',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    'Ünïcødé-名前',
    'x'.repeat(300),
    'a/b/c',
    'group:default/team-factory',
  ),
);

const junkValue = fc.oneof(
  junkText,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), {
    maxKeys: 2,
  }),
);

function stringFor(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'date-time') {
    return fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map(d => d.toISOString());
  }
  const maxLength = Math.min(schema.maxLength ?? 40, 40);
  const minLength = schema.minLength ?? 0;
  if (schema.pattern) {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter(
        s => s.length >= minLength && s.length <= (schema.maxLength ?? 1e9),
      );
  }
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
}

function objectFor(
  spec: Schema,
  schema: Schema,
  depth: number,
  fuzz: boolean,
): fc.Arbitrary<Record<string, unknown>> {
  const properties: Record<string, Schema> = schema.properties ?? {};
  const model = Object.fromEntries(
    Object.entries(properties).map(([key, property]) => [
      key,
      build(spec, property, depth + 1, fuzz),
    ]),
  );
  if (!schema.additionalProperties || Object.keys(properties).length) {
    return fc.record(model, { requiredKeys: schema.required ?? [] });
  }
  const values =
    schema.additionalProperties === true
      ? fc.string({ maxLength: 10 })
      : build(spec, schema.additionalProperties, depth + 1, fuzz);
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), values, {
    maxKeys: 3,
  });
}

function typed(
  spec: Schema,
  schema: Schema,
  depth: number,
  fuzz: boolean,
): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.integer({
        min: schema.minimum ?? -1_000_000,
        max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER),
      });
    case 'number':
      return fc.double({
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3
        ? fc.constant([])
        : fc.array(build(spec, schema.items ?? {}, depth + 1, fuzz), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.min(schema.maxItems ?? 3, 3),
          });
    default:
      return depth > 3 ? fc.constant({}) : objectFor(spec, schema, depth, fuzz);
  }
}

function build(
  spec: Schema,
  rawSchema: Schema,
  depth: number,
  fuzz: boolean,
): fc.Arbitrary<unknown> {
  const schema = resolveRef(spec, rawSchema);
  const parts: Schema[] | undefined = schema.oneOf ?? schema.anyOf;
  let accepted: fc.Arbitrary<unknown>;
  if (schema.enum) accepted = fc.constantFrom(...schema.enum);
  else if (schema.allOf) {
    accepted = fc
      .tuple(
        ...schema.allOf.map((part: Schema) => build(spec, part, depth, fuzz)),
      )
      .map(values => Object.assign({}, ...values));
  } else if (parts) {
    accepted = fc.oneof(...parts.map(part => build(spec, part, depth, fuzz)));
  } else accepted = typed(spec, schema, depth, fuzz);
  if (schema.nullable) accepted = fc.option(accepted, { nil: null });
  return fuzz
    ? fc.oneof(
        { weight: 6, arbitrary: accepted },
        { weight: 1, arbitrary: junkValue },
      )
    : accepted;
}

/** Values the schema accepts. */
export function validFor(spec: Schema, schema: Schema): fc.Arbitrary<unknown> {
  return build(spec, schema, 0, false);
}

/** Mostly values the schema accepts; sometimes, at any depth, one it does not. */
export function arbitraryFor(
  spec: Schema,
  schema: Schema,
): fc.Arbitrary<unknown> {
  return build(spec, schema, 0, true);
}
