// Every tool's schemas as agents' model providers take them: each argument described, every input schema convertible to
// OpenAI's strict mode and Gemini's dialect, and results as structuredContent matching their outputSchema.
import { describe, expect, test } from 'vitest';
import { inMemoryMcp } from '../helpers/mcp.js';

type Schema = Record<string, unknown>;

/** Keywords both OpenAI's strict mode and Gemini's function declarations accept. */
const PORTABLE = new Set(['type', 'description', 'properties', 'required', 'items', 'enum', 'minimum', 'maximum', 'additionalProperties', 'anyOf']);

/** OpenAI strict conversion, as the Agents SDK does it for MCP tools: every property required, the optional ones
 *  nullable, additionalProperties false on every object. */
function toStrict(schema: Schema): Schema {
  if (schema.type === 'array') return { ...schema, items: toStrict(schema.items as Schema) };
  if (schema.type !== 'object') return schema;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const out: Record<string, Schema> = {};
  for (const [k, v] of Object.entries(properties)) {
    const strict = toStrict(v);
    out[k] = required.has(k) ? strict : { ...strict, type: [strict.type, 'null'] };
  }
  return { ...schema, properties: out, required: Object.keys(out), additionalProperties: false };
}

/** Every keyword used anywhere in the schema (property names excluded). */
function keywords(schema: unknown, into = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== 'object') return into;
  for (const [k, v] of Object.entries(schema)) {
    into.add(k);
    if (k === 'properties') for (const p of Object.values(v as object)) keywords(p, into);
    else if (k === 'items' || k === 'additionalProperties') keywords(v, into);
  }
  return into;
}

describe('MCP tool schemas', async () => {
  const { tools } = await (await inMemoryMcp({ room: true })).client.listTools();

  test.each(tools.map((t) => [t.name, t] as const))('%s: every argument has a one-line description', (_, tool) => {
    for (const [name, prop] of Object.entries(tool.inputSchema.properties ?? {})) {
      const description = (prop as Schema).description;
      expect(description, name).toEqual(expect.any(String));
      expect(description, name).not.toMatch(/\n/);
    }
  });

  test.each(tools.map((t) => [t.name, t] as const))('%s: converts to OpenAI strict and Gemini (no open object, only portable keywords)', (_, tool) => {
    const strict = toStrict(tool.inputSchema as Schema);
    const props = strict.properties as Record<string, Schema>;
    expect(strict.required).toEqual(Object.keys(props));
    for (const [name, prop] of Object.entries(props)) {
      // Required, or nullable: strict mode has no optional property.
      expect((tool.inputSchema.required ?? []).includes(name) || (prop.type as string[]).includes('null'), name).toBe(true);
      // An open object (a record with free keys, as metadata was) has no strict form and no Gemini form.
      expect([prop.type].flat(), name).not.toContain('object');
    }
    expect([...keywords(strict)].filter((k) => !PORTABLE.has(k))).toEqual([]);
    // Gemini takes no additionalProperties and no $schema: what is left once those go must still be valid.
    expect([...keywords(tool.inputSchema)].filter((k) => !PORTABLE.has(k) || k === 'additionalProperties')).toEqual([]);
  });

  test('every tool declares an outputSchema, and a result carries the same value as structuredContent and text', async () => {
    const { client, room, api } = await inMemoryMcp({ room: true });
    expect(tools.filter((t) => !t.outputSchema).map((t) => t.name)).toEqual([]);
    const sent = await client.callTool({ name: 'send', arguments: { content: 'hi', metadata: '{"priority":1}' } });
    expect(sent.structuredContent).toEqual({ id: expect.any(String), seq: 1 });
    expect(JSON.parse((sent.content as { text: string }[])[0]!.text)).toEqual(sent.structuredContent);
    expect((await api.history(room!))[0]?.metadata).toEqual({ priority: 1 });
    const read = await client.callTool({ name: 'read', arguments: {} });
    expect(read.structuredContent).toMatchObject({ messages: [{ content: 'hi' }], cursor: 1 });
  });

  test('metadata that is not a JSON object is a tool error that shows the form', async () => {
    const { client } = await inMemoryMcp({ room: true });
    const bad = await client.callTool({ name: 'send', arguments: { content: 'hi', metadata: 'priority=1' } });
    expect(bad.isError).toBe(true);
    expect((bad.content as { text: string }[])[0]!.text).toMatch(/metadata must be a JSON object written as a string, such as \{"priority":1\}/);
  });
});
