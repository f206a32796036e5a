import { Type } from 'typebox';

/** A string from a fixed list, as a plain JSON-schema `enum` that OpenAPI readers show well. */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
