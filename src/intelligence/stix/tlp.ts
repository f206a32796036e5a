/**
 * Traffic Light Protocol markings: the fixed marking-definition objects of the STIX 2.1 TLP 2.0
 * extension, and those of STIX 2.1 section 7.2.1.4 for TLP 1.0, which tools still send.
 */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];

export const TLP_MARKINGS: Readonly<Record<string, TlpLevel>> = {
  'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487': 'clear',
  'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb': 'green',
  'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421': 'amber',
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003': 'amber+strict',
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1': 'red',
  // TLP 1.0: WHITE is what 2.0 calls CLEAR.
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'clear',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'green',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'amber',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'red',
};

export const TLP_ID: Readonly<Record<TlpLevel, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** Every marking an object names: on the whole of it, and on parts of it (granular markings). */
export function markingRefs(object: Record<string, unknown>): string[] {
  const whole = Array.isArray(object.object_marking_refs) ? object.object_marking_refs : [];
  const parts = Array.isArray(object.granular_markings) ? object.granular_markings.map((marking) => (marking as { marking_ref?: unknown })?.marking_ref) : [];
  return [...whole, ...parts].filter((ref): ref is string => typeof ref === 'string');
}

/**
 * The most restrictive TLP level among an object's markings, whole or granular, or null when it has
 * none: an object marked GREEN with a RED description is shared whole or not at all, so it is RED.
 */
export function tlpOf(object: Record<string, unknown>): TlpLevel | null {
  let strongest = -1;
  for (const ref of markingRefs(object)) {
    const level = TLP_MARKINGS[ref];
    if (level) strongest = Math.max(strongest, TLP_LEVELS.indexOf(level));
  }
  return strongest < 0 ? null : TLP_LEVELS[strongest]!;
}
