/** STIX 2.1 objects from the specification's examples (sections 4 to 6), shared by the intelligence tests. */
export const IDENTITY = {
  type: 'identity', spec_version: '2.1', id: 'identity--311b2d2d-f010-4473-83ec-1edf84858f4c',
  created: '2015-12-21T19:59:11.000Z', modified: '2015-12-21T19:59:11.000Z', name: 'Cole Powers', identity_class: 'individual',
};

export const INDICATOR = {
  type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created_by_ref: 'identity--f431f809-377b-45e0-aa1c-6a4751cae5ff',
  created: '2016-04-06T20:03:48.000Z', modified: '2016-04-06T20:03:48.000Z',
  indicator_types: ['malicious-activity'], name: 'Poison Ivy Malware',
  description: 'This file is part of Poison Ivy',
  pattern: "[ file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877' ]",
  pattern_type: 'stix', valid_from: '2016-01-01T00:00:00Z',
  object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
};

export const MALWARE = {
  type: 'malware', spec_version: '2.1', id: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b',
  created: '2016-04-06T20:07:09.000Z', modified: '2016-04-06T20:07:09.000Z',
  created_by_ref: 'identity--f431f809-377b-45e0-aa1c-6a4751cae5ff',
  name: 'Poison Ivy', malware_types: ['remote-access-trojan'], is_family: true,
};

export const RELATIONSHIP = {
  type: 'relationship', spec_version: '2.1', id: 'relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad',
  created: '2016-04-06T20:06:37.000Z', modified: '2016-04-06T20:06:37.000Z',
  relationship_type: 'indicates', source_ref: INDICATOR.id, target_ref: MALWARE.id,
};

export const OBSERVED_DATA = {
  type: 'observed-data', spec_version: '2.1', id: 'observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf',
  created_by_ref: 'identity--f431f809-377b-45e0-aa1c-6a4751cae5ff',
  created: '2016-04-06T19:58:16.000Z', modified: '2016-04-06T19:58:16.000Z',
  first_observed: '2015-12-21T19:00:00Z', last_observed: '2015-12-21T19:00:00Z', number_observed: 50,
  object_refs: ['ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8', 'domain-name--ecb120bf-2694-4902-a737-62b74539a41b'],
};

export const ATTACK_PATTERN = {
  type: 'attack-pattern', spec_version: '2.1', id: 'attack-pattern--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
  created: '2016-05-12T08:17:27.000Z', modified: '2016-05-12T08:17:27.000Z', name: 'Spear Phishing',
  external_references: [{ source_name: 'capec', external_id: 'CAPEC-163' }],
};

export const THREAT_ACTOR = {
  type: 'threat-actor', spec_version: '2.1', id: 'threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created: '2016-04-06T20:03:48.000Z', modified: '2016-04-06T20:03:48.000Z',
  threat_actor_types: ['crime-syndicate'], name: 'Evil Org', aliases: ['Syndicate 1'],
};

export const CAMPAIGN = {
  type: 'campaign', spec_version: '2.1', id: 'campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created: '2016-04-06T20:03:00.000Z', modified: '2016-04-06T20:03:00.000Z', name: 'Green Group Attacks Against Finance',
};

export const REPORT = {
  type: 'report', spec_version: '2.1', id: 'report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3',
  created: '2015-12-21T19:59:11.000Z', modified: '2015-12-21T19:59:11.000Z', name: 'The Black Vine Cyberespionage Group',
  report_types: ['campaign'], published: '2016-01-20T17:00:00.000Z', object_refs: [INDICATOR.id, CAMPAIGN.id, RELATIONSHIP.id],
};

export const TLP_RED_DEFINITION = {
  type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
  created: '2022-10-01T00:00:00.000Z', name: 'TLP:RED',
  extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'red' } },
};

export const IPV4 = { type: 'ipv4-addr', spec_version: '2.1', id: 'ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8', value: '198.51.100.3' };
export const DOMAIN = { type: 'domain-name', spec_version: '2.1', id: 'domain-name--ecb120bf-2694-4902-a737-62b74539a41b', value: 'example.com' };
export const URL_OBJECT = { type: 'url', spec_version: '2.1', id: 'url--c1477287-23ac-5971-a010-5c287877fa60', value: 'https://example.com/research/index.html' };
export const EMAIL = { type: 'email-addr', spec_version: '2.1', id: 'email-addr--2d77a846-6264-5d51-b586-e43822ea1ea3', value: 'john@example.com' };
export const FILE = {
  type: 'file', spec_version: '2.1', id: 'file--66156fad-2a7d-5237-bbb4-ba1912887cfe',
  hashes: { 'SHA-256': 'ceafbfd424be2ca4a5f0402cae090dda2fb0526cf521b60b60077c0f622b285a' },
};

export const NETWORK_TRAFFIC = {
  type: 'network-traffic', spec_version: '2.1', id: 'network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d',
  src_ref: IPV4.id, protocols: ['ipv4', 'tcp'], src_port: 3372, dst_port: 80,
};
export const EMAIL_MESSAGE = {
  type: 'email-message', spec_version: '2.1', id: 'email-message--0c57a381-2a17-5e61-8754-5ef96efb286c',
  is_multipart: false, from_ref: EMAIL.id, subject: 'Saying Hello',
};
export const EXTENSION_DEFINITION = {
  type: 'extension-definition', spec_version: '2.1', id: 'extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62',
  created_by_ref: IDENTITY.id, created: '2014-02-20T09:16:08.989Z', modified: '2014-02-20T09:16:08.989Z',
  name: 'New SDO 1', schema: 'https://www.example.com/schema-my-favorite-sdo-1/v1/', version: '1.2.1', extension_types: ['new-sdo'],
};
/** A custom object as MITRE ATT&CK publishes its tactics over TAXII (section 11.2: a type of the form x-…). */
export const CUSTOM_TACTIC = {
  type: 'x-mitre-tactic', spec_version: '2.1', id: 'x-mitre-tactic--2558fd61-8c75-4730-94c4-11926db2a263',
  created: '2018-10-17T00:14:20.652Z', modified: '2019-07-19T17:42:06.909Z', name: 'Credential Access',
  x_mitre_shortname: 'credential-access', external_references: [{ source_name: 'mitre-attack', external_id: 'TA0006' }],
};

export const VALID_EXAMPLES = [
  IDENTITY, INDICATOR, MALWARE, RELATIONSHIP, OBSERVED_DATA, ATTACK_PATTERN, THREAT_ACTOR, CAMPAIGN, REPORT, TLP_RED_DEFINITION, IPV4, DOMAIN, URL_OBJECT, EMAIL, FILE,
  NETWORK_TRAFFIC, EMAIL_MESSAGE, EXTENSION_DEFINITION, CUSTOM_TACTIC,
];

/** A distinct, valid indicator: version 4 UUIDs built from a number so that tests can tell them apart. */
export function numberedIndicator(n: number, extra: Record<string, unknown> = {}) {
  const hex = n.toString(16).padStart(12, '0');
  return {
    ...INDICATOR,
    id: `indicator--00000000-0000-4000-8000-${hex}`,
    name: `Indicator ${n}`,
    pattern: `[ipv4-addr:value = '198.51.${(n >> 8) & 255}.${n & 255}/32']`,
    ...extra,
  };
}
