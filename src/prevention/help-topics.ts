/**
 * The help pages' contents (14(b), 14(f), 14(dd)): for each group criminals target most, and for
 * businesses, the sections of its page. The words are in the catalogs, under keys made from the
 * topic and the section: `help.<topic>.title`, `.summary`, `.intro`, and for each section
 * `help.<topic>.<section>` (its heading) and `help.<topic>.<section>.<n>` (its points, from 1).
 * test/prevention/help.test.ts checks that every key the pages use is in every catalog.
 */
import { NO_MORE_RANSOM, TAKE_IT_DOWN } from './incidents.ts';
import { START_PAGE } from './layout.ts';
import type { MessageKey } from './locales/en.ts';

export const HELP_TOPICS = ['older-people', 'young-people', 'disabilities', 'businesses'] as const;
export type HelpTopic = (typeof HELP_TOPICS)[number];

export interface HelpSection {
  /** Its anchor in the page, which the advice after a report links to. */
  id: string;
  /** How many points it makes. */
  points: number;
  /** Points to follow in order, numbered. */
  steps?: boolean;
  /** Points only some readers need, folded under a summary (`help.<topic>.<section>.show`) so that the rest of the page stays short. */
  folded?: boolean;
  /** Where to go next, after the points. */
  link?: { href: string; label: MessageKey };
}

const REPORT_LINK = { href: START_PAGE, label: 'help.report' } as const;

const TOPICS: Record<HelpTopic, readonly HelpSection[]> = {
  'older-people': [
    { id: 'phone', points: 3 },
    { id: 'support', points: 3 },
    { id: 'investment', points: 3 },
    { id: 'romance', points: 3 },
    { id: 'act', points: 4, steps: true, link: REPORT_LINK },
  ],
  'young-people': [
    { id: 'sextortion', points: 4, link: { href: TAKE_IT_DOWN, label: 'help.young-people.sextortion.link' } },
    { id: 'harassment', points: 4 },
    { id: 'tell', points: 3, link: REPORT_LINK },
    { id: 'friend', points: 2 },
  ],
  disabilities: [
    { id: 'report', points: 4, link: REPORT_LINK },
    { id: 'someone', points: 3 },
    { id: 'scams', points: 3 },
  ],
  businesses: [
    { id: 'ransomware', points: 6, steps: true, link: { href: NO_MORE_RANSOM, label: 'guide.ransomware.link' } },
    { id: 'email', points: 4 },
    { id: 'report', points: 4, link: REPORT_LINK },
    { id: 'checklist', points: 6, folded: true },
  ],
};

export const isHelpTopic = (value: string): value is HelpTopic => (HELP_TOPICS as readonly string[]).includes(value);
export const sectionsOf = (topic: HelpTopic) => TOPICS[topic];

/** A key of the help's convention; the help test proves each one exists. */
export const helpKey = (topic: HelpTopic, ...parts: (string | number)[]) => [`help.${topic}`, ...parts].join('.') as MessageKey;

/** Every key the help pages use, for the test that checks the catalogs. */
export function helpKeys(): MessageKey[] {
  return HELP_TOPICS.flatMap((topic) => [
    helpKey(topic, 'title'), helpKey(topic, 'summary'), helpKey(topic, 'intro'),
    ...sectionsOf(topic).flatMap((section) => [
      helpKey(topic, section.id),
      ...Array.from({ length: section.points }, (_, index) => helpKey(topic, section.id, index + 1)),
      ...(section.folded ? [helpKey(topic, section.id, 'show')] : []),
    ]),
  ]);
}
