import { Type } from 'typebox';

/** A string from a fixed list, as a plain JSON-schema `enum` that OpenAPI readers show well. */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** A schema that also allows null. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** An instant, as the API writes them: RFC 3339 with its offset. */
export const Timestamp = Type.String({ format: 'date-time' });
