import type { FieldProblem } from './field-problems.ts';
import type { Profile } from './profile.ts';

/** What a check finds: problems keep a request from leaving; warnings are for its drafter to weigh. */
export interface Findings {
  problems: FieldProblem[];
  warnings: FieldProblem[];
}

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * Checks a request against the receiving node's published requirements before it leaves, so that it
 * is not sent back for what could be seen here (seeds 29, 31, 13(k), 13(lll), 13(jjj)).
 */
export function checkAgainstProfile(profile: Profile, kind: string, fields: Record<string, unknown>, today = new Date(), from?: string): Findings {
  const found: Findings = { problems: [], warnings: [] };
  const problem = (field: string, code: string, params: Record<string, unknown> = {}) => found.problems.push({ field, problem: code, params });
  const rules = profile.kinds[kind] ?? { requiredFacts: [] };

  const language = String(fields.language ?? 'en');
  if (!profile.languages.includes(language as never)) problem('/language', 'language-not-accepted', { accepted: profile.languages.join(', ') });

  for (const fact of rules.requiredFacts) if (isBlank(fields[fact])) problem(`/${fact}`, 'fact-required', { node: profile.nodeId });

  if (profile.offences && typeof fields.offence === 'string' && !profile.offences.includes(fields.offence as never)) {
    problem('/offence', 'no-dual-criminality', { state: profile.state });
  }

  const categories = Array.isArray(fields.dataCategories) ? (fields.dataCategories as string[]) : [];
  // An order goes straight to a provider abroad only for what its State lets it disclose so (seed 13(d)).
  if (kind === 'disclosure' && profile.kind === 'service_provider' && from !== undefined && from !== profile.state) {
    for (const category of categories) {
      if (!profile.directDisclosure.includes(category as never)) problem('/dataCategories', 'not-direct', { category, state: profile.state });
    }
  }
  // Content is the most intrusive data: the request must say why it is needed and why no less would do.
  if (categories.includes('content') && isBlank(fields.proportionality)) problem('/proportionality', 'proportionality-missing');
  if (categories.includes('content')) found.warnings.push({ field: '/dataCategories', problem: 'coercive-measure', params: { category: 'content' } });

  const period = fields.period as { from?: string; to?: string } | undefined;
  if (period?.from && period.to) {
    const days = daysBetween(period.from, period.to);
    if (days < 0) problem('/period/to', 'period-reversed');
    else if (rules.maxPeriodDays !== undefined && days > rules.maxPeriodDays) problem('/period', 'period-too-broad', { days, max: rules.maxPeriodDays });
    const now = today.toISOString().slice(0, 10);
    for (const category of categories) {
      const kept = profile.retentionDays?.[category as 'subscriber' | 'traffic' | 'content'];
      if (kept === undefined) continue;
      // All of the period is past what the provider keeps: nothing is left to preserve or disclose.
      if (daysBetween(period.to, now) > kept) problem('/period/to', 'older-than-retention', { category, days: kept });
      else if (daysBetween(period.from, now) > kept) found.warnings.push({ field: '/period/from', problem: 'partly-past-retention', params: { category, days: kept } });
    }
  }
  return found;
}
