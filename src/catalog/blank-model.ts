import type { ModelKind, SnapshotModel } from './catalog-snapshot.js';

/** A model entry with nothing known but its id, creator and kind: every other field empty. */
export function blankModel(id: string, creator: string, kind: ModelKind = 'chat'): SnapshotModel {
  return {
    id,
    name: id,
    creator,
    family: null,
    kind,
    description: '',
    modalities: { input: [], output: [] },
    contextWindow: null,
    maxOutputTokens: null,
    capabilities: { tools: false, vision: false, jsonOutput: false, reasoning: false, temperature: true },
    knowledgeCutoff: null,
    openWeights: null,
    releaseDate: null,
    lastUpdated: null,
    supportedParameters: [],
    officialPrice: null,
    offers: [],
    aliases: [],
    lifecycle: null,
    preview: false,
    fieldSources: {},
  };
}
