/**
 * The kinds of incident the public reports, what the form asks for each, how urgent each is at
 * first sight, and the advice given at once. Child sexual exploitation is not among them: it has a
 * path of its own that accepts nothing (shared/MISSION.md, 14(gg)).
 */
import type { HelpTopic } from './help-topics.ts';
import { helpPath } from './layout.ts';
import type { MessageKey } from './locales/en.ts';

export const INCIDENT_TYPES = [
  'phishing', 'online-fraud', 'romance-scam', 'ransomware', 'sextortion', 'harassment', 'hate-speech', 'account-takeover', 'crypto-scam', 'other',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

export const CONTACT_CHANNELS = ['phone', 'sms', 'email', 'messaging', 'social', 'dating', 'website', 'other', 'unknown'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const NO_MORE_RANSOM = 'https://www.nomoreransom.org/';
/** Where young people have intimate images of themselves taken down. */
export const TAKE_IT_DOWN = 'https://takeitdown.ncmec.org/';
export const CHILD_PATH = '/report/child-abuse';

export interface Step {
  text: MessageKey;
  link?: { href: string; label: MessageKey };
}

interface Profile {
  /** Harassment and hate are seldom about money: the form does not ask. */
  asksMoney: boolean;
  /** Threats to a person come first, whatever the amount. */
  threatensPerson: boolean;
  guidance: readonly Step[];
}

const step = (text: MessageKey, link?: Step['link']): Step => (link ? { text, link } : { text });
const EVIDENCE = step('guide.evidence');
/** The section of a help page that says more, labelled by its heading (the help test checks that both exist). */
const more = (topic: HelpTopic, section: string) => step('guide.more', { href: helpPath(topic, section), label: `help.${topic}.${section}` as MessageKey });

const PROFILES: Record<IncidentType, Profile> = {
  phishing: { asksMoney: true, threatensPerson: false, guidance: [step('guide.bank'), step('guide.passwords'), step('guide.phishing.report'), EVIDENCE, more('older-people', 'phone')] },
  'online-fraud': { asksMoney: true, threatensPerson: false, guidance: [step('guide.bank'), step('guide.fraud.seller'), step('guide.recovery'), EVIDENCE, more('older-people', 'investment')] },
  'romance-scam': { asksMoney: true, threatensPerson: false, guidance: [step('guide.stop'), step('guide.bank'), step('guide.romance.talk'), step('guide.recovery'), EVIDENCE, more('older-people', 'romance')] },
  ransomware: {
    asksMoney: true,
    threatensPerson: true,
    guidance: [
      step('guide.ransomware.unplug'), step('guide.ransomware.noPay'),
      step('guide.ransomware.decrypt', { href: NO_MORE_RANSOM, label: 'guide.ransomware.link' }), step('guide.passwords'), EVIDENCE, more('businesses', 'ransomware'),
    ],
  },
  sextortion: {
    asksMoney: true,
    threatensPerson: true,
    guidance: [
      step('guide.sextortion.noPay'), step('guide.platform'), EVIDENCE,
      step('guide.sextortion.child', { href: CHILD_PATH, label: 'guide.child.link' }), more('young-people', 'sextortion'),
    ],
  },
  harassment: { asksMoney: false, threatensPerson: true, guidance: [step('guide.harassment.safe'), step('guide.platform'), EVIDENCE, more('young-people', 'harassment')] },
  'hate-speech': { asksMoney: false, threatensPerson: false, guidance: [step('guide.hate.screenshot'), step('guide.platform'), step('guide.harassment.safe'), more('young-people', 'harassment')] },
  'account-takeover': { asksMoney: true, threatensPerson: false, guidance: [step('guide.takeover.recover'), step('guide.passwords'), step('guide.takeover.warn'), EVIDENCE] },
  'crypto-scam': { asksMoney: true, threatensPerson: false, guidance: [step('guide.stop'), step('guide.crypto.details'), step('guide.recovery'), EVIDENCE, more('older-people', 'investment')] },
  other: { asksMoney: true, threatensPerson: false, guidance: [step('guide.bank'), step('guide.passwords'), EVIDENCE] },
};

export const asksMoney = (type: IncidentType) => PROFILES[type].asksMoney;
export const guidanceFor = (type: IncidentType) => PROFILES[type].guidance;

/** The first triage: threats to a person are high, money lost or an account taken medium, the rest low. Staff may change it. */
export function initialSeverity(type: IncidentType, amountLost: string | null): Severity {
  if (PROFILES[type].threatensPerson) return 'high';
  if ((amountLost !== null && Number(amountLost) > 0) || type === 'account-takeover') return 'medium';
  return 'low';
}

export const isIncidentType = (value: string): value is IncidentType => (INCIDENT_TYPES as readonly string[]).includes(value);
