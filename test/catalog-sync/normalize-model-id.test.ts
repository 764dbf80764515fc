import { describe, expect, it } from 'vitest';
import { keyVariants, parseModelId, resolveModelKey } from '../../src/catalog/sync/normalize-model-id.js';

describe('parseModelId', () => {
  it('splits a vendor path and lower-cases the key, keeping the name as written', () => {
    expect(parseModelId('meta-llama/Llama-3.3-70B-Instruct')).toEqual({ key: 'llama-3.3-70b-instruct', name: 'Llama-3.3-70B-Instruct', vendor: 'meta-llama', bedrockStyle: false });
    expect(parseModelId('gpt-4o')).toEqual({ key: 'gpt-4o', name: 'gpt-4o', vendor: null, bedrockStyle: false });
  });

  it('reads Bedrock ids: region, vendor and revision removed, the -vN model version kept', () => {
    expect(parseModelId('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toMatchObject({ key: 'claude-sonnet-4-5-20250929-v1', vendor: 'anthropic', bedrockStyle: true });
    expect(parseModelId('amazon.nova-2-lite-v1:0')).toMatchObject({ key: 'nova-2-lite-v1', vendor: 'amazon' });
    expect(parseModelId('openai.gpt-oss-120b-1:0')).toMatchObject({ key: 'gpt-oss-120b', vendor: 'openai' });
    // A dotted version number is not a Bedrock vendor.
    expect(parseModelId('gpt-5.1')).toMatchObject({ key: 'gpt-5.1', vendor: null, bedrockStyle: false });
  });

  it('removes serving namespaces and suffixes but keeps behaviour variants', () => {
    expect(parseModelId('accounts/fireworks/models/kimi-k2p6').key).toBe('kimi-k2p6');
    expect(parseModelId('workers-ai/@cf/meta/llama-3.1-8b-instruct')).toMatchObject({ key: 'llama-3.1-8b-instruct', vendor: 'meta' });
    expect(parseModelId('hf:zai-org/GLM-4.7')).toMatchObject({ key: 'glm-4.7', vendor: 'zai-org' });
    expect(parseModelId('TEE/deepseek-v3.2').key).toBe('deepseek-v3.2');
    expect(parseModelId('Pro/moonshotai/Kimi-K2.5')).toMatchObject({ key: 'kimi-k2.5', vendor: 'moonshotai' });
    expect(parseModelId('openai/gpt-oss-120b:free').key).toBe('gpt-oss-120b');
    expect(parseModelId('moonshotai/Kimi-K2.6-TEE').key).toBe('kimi-k2.6');
    expect(parseModelId('deepseek-ai/deepseek-v3.2-maas').key).toBe('deepseek-v3.2');
    expect(parseModelId('claude-sonnet-4-5@20250929').key).toBe('claude-sonnet-4-5-20250929');
    expect(parseModelId('claude-opus-4-6@default').key).toBe('claude-opus-4-6');
    expect(parseModelId('moonshotai/kimi-k2.5:thinking').key).toBe('kimi-k2.5:thinking');
    expect(parseModelId('~anthropic/claude-sonnet-latest')).toMatchObject({ key: 'claude-sonnet-latest', vendor: 'anthropic' });
  });

  it("reads Clarifai's vendor/app/models/name paths and keeps other deep paths whole", () => {
    expect(parseModelId('moonshotai/chat-completion/models/Kimi-K2_6')).toMatchObject({ key: 'kimi-k2_6', vendor: 'moonshotai' });
    expect(parseModelId('fal-ai/flux/schnell')).toMatchObject({ key: 'flux/schnell', vendor: 'fal-ai' });
  });

  it('keeps dated snapshots as they are', () => {
    expect(parseModelId('gpt-4o-2024-08-06').key).toBe('gpt-4o-2024-08-06');
    expect(parseModelId('anthropic/claude-3-5-sonnet-20241022').key).toBe('claude-3-5-sonnet-20241022');
  });
});

describe('resolveModelKey', () => {
  const words = new Set(['openai', 'anthropic', 'databricks', 'zai', 'google', 'deepseek']);
  const creatorKeys = new Set(['claude-sonnet-4-5', 'kimi-k2.6', 'gemini-2.5-flash', 'gpt-4o', 'glm-4.6', 'gpt-4', 'claude-haiku-4-5-20251001']);

  it('maps spelling variants only onto ids a creator publishes', () => {
    expect(resolveModelKey('claude-sonnet-4.5', creatorKeys, words)).toBe('claude-sonnet-4-5');
    expect(resolveModelKey('kimi-k2p6', creatorKeys, words)).toBe('kimi-k2.6');
    expect(resolveModelKey('kimi-k2_6', creatorKeys, words)).toBe('kimi-k2.6');
    expect(resolveModelKey('gemini-2-5-flash', creatorKeys, words)).toBe('gemini-2.5-flash');
    expect(resolveModelKey('openai-gpt-4o', creatorKeys, words)).toBe('gpt-4o');
    expect(resolveModelKey('databricks-claude-sonnet-4-5', creatorKeys, words)).toBe('claude-sonnet-4-5');
    expect(resolveModelKey('zai-org-glm-4.6', creatorKeys, words)).toBe('glm-4.6');
    expect(resolveModelKey('kimi-k2p6-fast', creatorKeys, words)).toBe('kimi-k2p6-fast');
  });

  it('never shortens a dated snapshot onto its undated alias', () => {
    expect(resolveModelKey('gpt-4-0613', creatorKeys, words)).toBe('gpt-4-0613');
    expect(resolveModelKey('gpt-4o-2024-08-06', creatorKeys, words)).toBe('gpt-4o-2024-08-06');
  });

  it("drops a Bedrock -vN version or puts the vendor in front only for Bedrock ids", () => {
    expect(resolveModelKey('claude-haiku-4-5-20251001-v1', creatorKeys, words, 'anthropic')).toBe('claude-haiku-4-5-20251001');
    expect(resolveModelKey('claude-haiku-4-5-20251001-v1', creatorKeys, words)).toBe('claude-haiku-4-5-20251001-v1');
    expect(resolveModelKey('v3.2', creatorKeys, words, 'deepseek', new Set(['deepseek-v3.2']))).toBe('deepseek-v3.2');
    expect(resolveModelKey('v3.2', creatorKeys, words, null, new Set(['deepseek-v3.2']))).toBe('v3.2');
  });

  it('lists variants in a fixed order without the key itself', () => {
    expect(keyVariants('openai-gpt-4.1', words)).toEqual(['openai-gpt-4-1', 'gpt-4.1', 'gpt-4-1']);
  });
});
