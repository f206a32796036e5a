/**
 * The bundle described in CASE/UCO 1.x JSON-LD (https://caseontology.org), the exchange format of
 * digital forensics tools: each file a uco-observable:File with its SHA-256 (uco-types:Hash), its
 * chain of custody a case-investigation:ProvenanceRecord, and each custody act a uco-action:Action
 * with its performer (uco-identity:Identity) and time.
 */
import type { LeafRecord } from '../ledger/sources.ts';
import type { Manifest } from './bundle-format.ts';

const typed = (type: string, value: string | number) => ({ '@type': type, '@value': value });

const slug = (text: string) => encodeURIComponent(text).replace(/%/g, '_');

export function caseDescription(manifest: Manifest, custody: ReadonlyMap<string, readonly LeafRecord[]>): Record<string, unknown> {
  const graph: Record<string, unknown>[] = [];
  const performers = new Map<string, string>();
  const performer = (name: string) => {
    let id = performers.get(name);
    if (!id) {
      id = `kb:identity-${slug(name)}`;
      performers.set(name, id);
      graph.push({ '@id': id, '@type': 'uco-identity:Identity', 'uco-core:name': name });
    }
    return id;
  };
  for (const file of manifest.files) {
    const fileId = `kb:file-${file.sha256}`;
    graph.push({
      '@id': fileId,
      '@type': 'uco-observable:File',
      'uco-core:hasFacet': [
        { '@id': `kb:file-facet-${file.sha256}`, '@type': 'uco-observable:FileFacet', 'uco-observable:fileName': file.name, 'uco-observable:sizeInBytes': typed('xsd:integer', file.size) },
        {
          '@id': `kb:content-facet-${file.sha256}`,
          '@type': 'uco-observable:ContentDataFacet',
          'uco-observable:mimeType': file.mediaType,
          'uco-observable:sizeInBytes': typed('xsd:integer', file.size),
          'uco-observable:hash': [{
            '@id': `kb:hash-${file.sha256}`,
            '@type': 'uco-types:Hash',
            'uco-types:hashMethod': typed('uco-vocabulary:HashNameVocab', 'SHA256'),
            'uco-types:hashValue': typed('xsd:hexBinary', file.sha256),
          }],
        },
      ],
    });
    const actions = (custody.get(file.sha256) ?? []).map((record) => {
      const id = `kb:custody-${String(record.id)}`;
      graph.push({
        '@id': id,
        '@type': 'uco-action:Action',
        'uco-core:name': String(record.act),
        'uco-core:description': `${String(record.act)} on ${String(record.node)}${record.peer ? ` (${String(record.peer)})` : ''}, for ${String(record.purpose)}`,
        'uco-action:performer': { '@id': performer(String(record.actorName)) },
        'uco-action:startTime': typed('xsd:dateTime', String(record.at)),
        'uco-action:object': [{ '@id': fileId }],
      });
      return { '@id': id };
    });
    graph.push({
      '@id': `kb:provenance-${file.sha256}`,
      '@type': 'case-investigation:ProvenanceRecord',
      'case-investigation:exhibitNumber': file.path,
      'uco-core:description': `Chain of custody of ${file.name} on node ${manifest.node}`,
      'uco-core:object': [{ '@id': fileId }, ...actions],
    });
  }
  graph.push({
    '@id': `kb:${manifest.subject.type}-${manifest.subject.id}`,
    '@type': 'case-investigation:Investigation',
    'uco-core:name': `${manifest.subject.type} ${manifest.subject.id}`,
    'uco-core:description': `Evidence exported by node ${manifest.node} on ${manifest.exportedAt}`,
    'uco-core:object': manifest.files.map((file) => ({ '@id': `kb:provenance-${file.sha256}` })),
  });
  return {
    '@context': {
      kb: `urn:entraide:${manifest.node}:`,
      'case-investigation': 'https://ontology.caseontology.org/case/investigation/',
      'uco-action': 'https://ontology.unifiedcyberontology.org/uco/action/',
      'uco-core': 'https://ontology.unifiedcyberontology.org/uco/core/',
      'uco-identity': 'https://ontology.unifiedcyberontology.org/uco/identity/',
      'uco-observable': 'https://ontology.unifiedcyberontology.org/uco/observable/',
      'uco-types': 'https://ontology.unifiedcyberontology.org/uco/types/',
      'uco-vocabulary': 'https://ontology.unifiedcyberontology.org/uco/vocabulary/',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
    },
    '@graph': graph,
  };
}
