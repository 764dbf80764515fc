import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RawCatalogSources } from '../../src/catalog/sync/source-schemas.js';

/** A few providers and records shaped like the real sources, small enough to reason about. */
export function smallSources(): RawCatalogSources {
  const gpt4o = {
    name: 'GPT-4o',
    family: 'gpt',
    attachment: true,
    reasoning: false,
    tool_call: true,
    structured_output: true,
    temperature: true,
    open_weights: false,
    release_date: '2024-05-13',
    last_updated: '2024-08-06',
    modalities: { input: ['text', 'image'], output: ['text'] },
    limit: { context: 128000, output: 16384 },
  };
  return {
    modelsDev: {
      openai: {
        id: 'openai',
        name: 'OpenAI',
        env: ['OPENAI_API_KEY'],
        npm: '@ai-sdk/openai',
        doc: 'https://platform.openai.com/docs/models',
        models: {
          'gpt-4o': { ...gpt4o, id: 'gpt-4o', cost: { input: 2.5, output: 10, cache_read: 1.25 } },
          'gpt-5': { ...gpt4o, id: 'gpt-5', name: 'GPT-5', release_date: '2025-08-07', cost: { input: 1.25, output: 10 } },
          'gpt-4': { ...gpt4o, id: 'gpt-4', name: 'GPT-4', cost: { input: 30, output: 60 } },
          'gpt-image-1': { ...gpt4o, id: 'gpt-image-1', name: 'GPT Image 1', modalities: { input: ['text', 'image'], output: ['image'] } },
        },
      },
      anthropic: {
        id: 'anthropic',
        name: 'Anthropic',
        env: ['ANTHROPIC_API_KEY'],
        npm: '@ai-sdk/anthropic',
        models: {
          'claude-sonnet-4-5': { ...gpt4o, id: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5', family: 'claude-sonnet', cost: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 } },
        },
      },
      openrouter: {
        id: 'openrouter',
        name: 'OpenRouter',
        env: ['OPENROUTER_API_KEY'],
        npm: '@openrouter/ai-sdk-provider',
        api: 'https://openrouter.ai/api/v1/',
        models: {
          'openai/gpt-4o': { ...gpt4o, id: 'openai/gpt-4o', name: 'GPT-4o (OpenRouter)', cost: { input: 2.5, output: 10 } },
          'anthropic/claude-sonnet-4.5': { ...gpt4o, id: 'anthropic/claude-sonnet-4.5', name: 'Claude Sonnet 4.5', cost: { input: 3, output: 15 } },
          'meta-llama/llama-3.3-70b-instruct': { ...gpt4o, id: 'meta-llama/llama-3.3-70b-instruct', name: 'Llama 3.3 70B', family: 'llama', cost: { input: 0.1, output: 0.3 } },
          'openrouter/auto': { ...gpt4o, id: 'openrouter/auto', name: 'Auto Router', family: undefined, cost: { input: 0, output: 0 } },
          'some-vendor/unpriced-model': { ...gpt4o, id: 'some-vendor/unpriced-model', name: 'Unpriced' },
        },
      },
      azure: {
        id: 'azure',
        name: 'Azure',
        env: ['AZURE_API_KEY'],
        npm: '@ai-sdk/azure',
        models: {
          'gpt-4o': { ...gpt4o, id: 'gpt-4o', cost: { input: 2.75, output: 11 }, status: 'deprecated' },
          'claude-sonnet-4-5': {
            ...gpt4o,
            id: 'claude-sonnet-4-5',
            name: 'Claude Sonnet 4.5',
            cost: { input: 3, output: 15 },
            provider: { npm: '@ai-sdk/anthropic', api: 'https://${AZURE_RESOURCE_NAME}.services.ai.azure.com/anthropic/v1' },
          },
        },
      },
      groq: {
        id: 'groq',
        name: 'Groq',
        env: ['GROQ_API_KEY'],
        npm: '@ai-sdk/groq',
        models: {
          'llama-3.3-70b-instruct': { ...gpt4o, id: 'llama-3.3-70b-instruct', name: 'Llama 3.3 70B', family: 'llama', cost: { input: 0.59, output: 0.79 } },
        },
      },
    },
    modelEol: [
      {
        spec: 'model-eol/0.1',
        publisher: 'openai',
        generated: '2026-08-18T00:47:44.930Z',
        source: 'https://developers.openai.com/api/docs/deprecations',
        models: [
          { id: 'gpt-4-0314', announced: '2025-09-26', shutdown: '2026-03-26', replacement: 'gpt-5', replacement_note: 'gpt-4.1*', source: 'https://developers.openai.com/api/docs/deprecations' },
          { id: 'gpt-4-0613', aliases: ['gpt-4'], announced: '2026-04-22', shutdown: '2026-10-23', replacement: 'gpt-5.6-sol' },
          { id: 'dall-e-3', announced: '2025-11-14', shutdown: '2026-05-12', replacement_options: ['gpt-image-9', 'gpt-image-1'] },
          { id: 'text-moderation-007', announced: '2025-04-28', shutdown: '2025-10-27', replacement_options: ['omni-moderation'] },
          { id: 'gpt-5.6-sol' },
          { id: 'gpt-4o' },
        ],
      },
    ],
    litellm: {
      sample_spec: { litellm_provider: 'one of …', max_tokens: 'LEGACY' },
      last_updated: '2026-07-24T18:23:43.215560+00:00',
      'gpt-4-0314': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 0.00003, output_cost_per_token: 0.00006, max_input_tokens: 8192, max_output_tokens: 4096, deprecation_date: '2026-03-26' },
      'gpt-4-0613': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 0.00003, output_cost_per_token: 0.00006, deprecation_date: '2025-06-06' },
      'gpt-5.6-sol': { litellm_provider: 'openai', mode: 'responses', input_cost_per_token: 0.000005, output_cost_per_token: 0.00003, supports_function_calling: true },
      'dall-e-3': { litellm_provider: 'openai', mode: 'image_generation', input_cost_per_image: 0.04 },
      'gpt-image-1': { litellm_provider: 'openai', mode: 'image_generation', input_cost_per_token: 0.000005, output_cost_per_image: 0.167 },
      'gpt-4o': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001, input_cost_per_request: 0.001 },
      'azure/gpt-4o': { litellm_provider: 'azure', mode: 'chat', input_cost_per_token: 0.000009, output_cost_per_token: 0.00001 },
      'claude-sonnet-4-5': { litellm_provider: 'anthropic', mode: 'chat', input_cost_per_token: 0.000004, output_cost_per_token: 0.000015 },
    },
    sourcesNote: [
      '| file | what | origin | snapshot | license |',
      '| --- | --- | --- | --- | --- |',
      '| models.dev-api.json | models | models.dev | commit f3fc692, 2026-07-02 | MIT |',
      '| model-eol/*.json | lifecycle | model-eol | 2026-08-18 | MIT |',
      '| litellm-model-prices.json | prices | LiteLLM | 2026-07-24 | MIT |',
    ].join('\n'),
  };
}

/** Writes sources in the folder layout `catalog sync --from` reads; returns the folder. */
export function writeSourcesFolder(sources: RawCatalogSources = smallSources()): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'catalog-sources-'));
  mkdirSync(path.join(folder, 'model-eol'));
  writeFileSync(path.join(folder, 'models.dev-api.json'), JSON.stringify(sources.modelsDev));
  writeFileSync(path.join(folder, 'litellm-model-prices.json'), JSON.stringify(sources.litellm));
  sources.modelEol.forEach((file, index) => {
    const publisher = (file as { publisher?: string }).publisher ?? `publisher-${index}`;
    writeFileSync(path.join(folder, 'model-eol', `${publisher}.json`), JSON.stringify(file));
  });
  if (sources.sourcesNote !== null) writeFileSync(path.join(folder, 'SOURCES.md'), sources.sourcesNote);
  return folder;
}
