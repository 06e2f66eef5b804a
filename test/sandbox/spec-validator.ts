import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/**
 * Validators for Keap REST responses, built from keap-rest-v1.json (OpenAPI 3.0.1) or
 * keap-rest-v2.yml (OpenAPI 3.1.0). Objects are made closed (no properties beyond the spec's) so a
 * misspelt field is drift too.
 */

const KEAP_V1_SPEC_PATH = fileURLToPath(new URL('../../../shared/keap-openapi/keap-rest-v1.json', import.meta.url));
export const KEAP_V2_SPEC_PATH = fileURLToPath(new URL('../../../shared/keap-openapi/keap-rest-v2.yml', import.meta.url));

type JsonSchema = Record<string, unknown>;
const SPEC_ID = 'keap-spec';

/** OpenAPI 3.0/3.1 schema → JSON Schema: `nullable` becomes a null type, refs point into the spec document. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const source = node as JsonSchema;
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || key === 'example' || key === 'xml' || key === 'discriminator') continue;
    if (key === '$ref' && typeof value === 'string') {
      result.$ref = `${SPEC_ID}${value}`;
      continue;
    }
    // `properties` and `components.schemas` map names to schemas; each value is converted.
    result[key] = toJsonSchema(value);
  }
  if (source.nullable === true && typeof source.type === 'string') result.type = [source.type, 'null'];
  if (source.properties !== undefined && source.additionalProperties === undefined && source.type === 'object') {
    result.additionalProperties = false;
  }
  return result;
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export interface SpecValidators {
  /** Validator for the JSON body of `method path` (spec path, e.g. `/v1/orders/{orderId}` or `/rest/v2/orders/{order_id}`) answering `status`. */
  forResponse(method: string, specPath: string, status: number): ValidateFunction;
}

export function loadSpecValidators(specPath: string = KEAP_V1_SPEC_PATH): SpecValidators {
  const text = readFileSync(specPath, 'utf8');
  const spec = (specPath.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as { paths: Record<string, Record<string, Operation>>; components: { schemas: JsonSchema } };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: toJsonSchema(spec.components) });
  const cache = new Map<string, ValidateFunction>();
  return {
    forResponse(method, specPath, status) {
      const cacheKey = `${method} ${specPath} ${status}`;
      const cached = cache.get(cacheKey);
      if (cached) return cached;
      const schema = spec.paths[specPath]?.[method.toLowerCase()]?.responses[String(status)]?.content?.['application/json']?.schema;
      if (schema === undefined) throw new Error(`The spec has no JSON response for ${cacheKey}`);
      const validate = ajv.compile(toJsonSchema(schema) as JsonSchema);
      cache.set(cacheKey, validate);
      return validate;
    },
  };
}
