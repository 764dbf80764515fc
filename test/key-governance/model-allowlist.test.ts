import { describe, expect, it } from 'vitest';
import { compileModelAllowlist, isModelAllowlistEntry, modelAllowlistOf } from '../../src/accounts/model-allowlist.js';
import { checkModelAllowed } from '../../src/pipeline/admission.js';
import type { Caller } from '../../src/accounts/api-key-authenticator.js';
import { isGatewayError } from '../../src/core/index.js';

function callerWith(models: string[]): Caller {
  return {
    key: {
      id: 'key_1', accountId: 'acct_1', name: 'k', prefix: 'sk-sy-abc', hash: 'h', models, budget: null, spent: 0n,
      rpm: null, tpm: null, expiresAt: null, revokedAt: null, createdAt: 0, updatedAt: 0,
    },
    account: { id: 'acct_1', email: 'a@example.test', passwordHash: null, role: 'user', balance: 0n, disabled: false, createdAt: 0 },
  };
}

describe('model allowlist matching', () => {
  it('allows every model when empty or when it holds a lone *', () => {
    expect(compileModelAllowlist([]).allowsEveryModel).toBe(true);
    expect(compileModelAllowlist(['gpt-4o', '*']).allowsEveryModel).toBe(true);
    expect(compileModelAllowlist(['gpt-4o']).allowsEveryModel).toBe(false);
  });

  it('matches exact ids only exactly, and case-sensitively', () => {
    const list = compileModelAllowlist(['gpt-4o', 'demo/echo']);
    expect(list.allows('gpt-4o')).toBe(true);
    expect(list.allows('demo/echo')).toBe(true);
    expect(list.allows('gpt-4o-mini')).toBe(false);
    expect(list.allows('GPT-4o')).toBe(false);
    expect(list.allows('gpt-4')).toBe(false);
  });

  it('matches prefix, suffix, namespace and inner patterns', () => {
    const list = compileModelAllowlist(['gpt-4*', 'openai/*', '*-mini', 'claude-*-4-5']);
    expect(list.allows('gpt-4')).toBe(true);
    expect(list.allows('gpt-4o-2024-08-06')).toBe(true);
    expect(list.allows('gpt-3.5-turbo')).toBe(false);
    expect(list.allows('openai/o3')).toBe(true);
    expect(list.allows('openrouter/o3')).toBe(false);
    expect(list.allows('o4-mini')).toBe(true);
    expect(list.allows('o4-mini-high')).toBe(false);
    expect(list.allows('claude-sonnet-4-5')).toBe(true);
    expect(list.allows('claude-sonnet-4-6')).toBe(false);
  });

  it('treats regular-expression characters literally', () => {
    const list = compileModelAllowlist(['gpt-3.5*', 'a+b']);
    expect(list.allows('gpt-3.5-turbo')).toBe(true);
    expect(list.allows('gpt-345-turbo')).toBe(false);
    expect(list.allows('a+b')).toBe(true);
    expect(list.allows('aab')).toBe(false);
  });

  it('does not let the head and tail of a pattern overlap', () => {
    const list = compileModelAllowlist(['ab*ba']);
    expect(list.allows('aba')).toBe(false);
    expect(list.allows('abba')).toBe(true);
    expect(list.allows('ab-x-ba')).toBe(true);
  });

  it('matches patterns with several stars in order', () => {
    const list = compileModelAllowlist(['*llama*70b*']);
    expect(list.allows('meta-llama/llama-3.1-70b-instruct')).toBe(true);
    expect(list.allows('meta-70b-llama')).toBe(false);
  });

  it('allows when any of several names matches', () => {
    const list = compileModelAllowlist(['openai/*']);
    expect(list.allows('gpt-4o', 'openai/gpt-4o')).toBe(true);
    expect(list.allows('gpt-4o', 'azure/gpt-4o')).toBe(false);
  });

  it('compiles a models array once and recompiles a new array', () => {
    const models = ['gpt-4*'];
    const first = modelAllowlistOf(models);
    expect(modelAllowlistOf(models)).toBe(first);
    const replaced = ['claude-*'];
    const second = modelAllowlistOf(replaced);
    expect(second).not.toBe(first);
    expect(second.allows('gpt-4o')).toBe(false);
    expect(second.allows('claude-haiku-4-5')).toBe(true);
  });

  it('validates entries for storage', () => {
    expect(isModelAllowlistEntry('gpt-4*')).toBe(true);
    expect(isModelAllowlistEntry('')).toBe(false);
    expect(isModelAllowlistEntry('gpt 4')).toBe(false);
    expect(isModelAllowlistEntry('x'.repeat(201))).toBe(false);
  });
});

describe('checkModelAllowed', () => {
  it('accepts the requested name, the catalog id, or creator/id', () => {
    expect(() => checkModelAllowed(callerWith(['gpt-4*']), 'gpt-4o', 'gpt-4o')).not.toThrow();
    expect(() => checkModelAllowed(callerWith(['openai/*']), 'openai/gpt-4o', 'gpt-4o')).not.toThrow();
    expect(() => checkModelAllowed(callerWith(['openai/*']), 'gpt-4o', 'gpt-4o', 'openai')).not.toThrow();
    expect(() => checkModelAllowed(callerWith(['gpt-4o']), 'gpt-4o-latest-alias', 'gpt-4o')).not.toThrow();
  });

  it('refuses with 403 model_not_allowed naming the model', () => {
    let thrown: unknown;
    try {
      checkModelAllowed(callerWith(['openai/*']), 'claude-sonnet-4-5', 'claude-sonnet-4-5', 'anthropic');
    } catch (error) {
      thrown = error;
    }
    expect(isGatewayError(thrown)).toBe(true);
    if (!isGatewayError(thrown)) return;
    expect(thrown.code).toBe('model_not_allowed');
    expect(thrown.status).toBe(403);
    expect(thrown.details.param).toBe('model');
    expect(thrown.message).toContain('claude-sonnet-4-5');
  });
});
