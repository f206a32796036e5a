import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

export interface FieldProblem {
  field: string;
  problem: string;
  params: Record<string, unknown>;
}

/** Field-level problems of a value against a schema, for the API and the pages to show beside each field. */
export function fieldProblems(schema: TSchema, value: unknown): FieldProblem[] {
  return [...Value.Errors(schema, value)].flatMap((error) => {
    const params = error.params as Record<string, unknown>;
    // A missing answer belongs beside its own field, not beside the form.
    if (error.keyword === 'required') {
      return (params.requiredProperties as string[]).map((name) => ({ field: `${error.instancePath}/${name}`, problem: 'required', params: {} }));
    }
    return [{ field: error.instancePath || '/', problem: error.keyword, params }];
  });
}
