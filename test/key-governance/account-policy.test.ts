import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccountGroupCache } from '../../src/accounts/account-group-cache.js';
import { KeyGovernance } from '../../src/accounts/key-governance.js';
import { createAccountPolicy } from '../../src/app/account-policy.js';
import { isGatewayError } from '../../src/core/index.js';
import { callerWith, refusalOf } from './governance-fixtures.js';

const noGroups = new AccountGroupCache({ listGroups: async () => [], listGroupAssignments: async () => [] });

function factsFrom(address: string) {
  return { clientAddress: () => address, estimatedPromptTokens: vi.fn(() => 10) };
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the pipeline’s account policy', () => {
  it('admits a caller with no rate limit at once, without a promise and without counting the prompt', () => {
    const policy = createAccountPolicy(new KeyGovernance(), noGroups);
    const facts = factsFrom('127.0.0.1');
    expect(policy.admit(callerWith(), facts)).toBeUndefined();
    expect(facts.estimatedPromptTokens).not.toHaveBeenCalled();
  });

  it('still refuses an address outside the key’s IP allowlist when there is no rate limit', () => {
    const policy = createAccountPolicy(new KeyGovernance(), noGroups);
    const caller = callerWith({ ipAllowlist: ['10.0.0.0/8'] });
    expect(policy.admit(caller, factsFrom('10.1.2.3'))).toBeUndefined();
    let refusal: unknown;
    try {
      policy.admit(caller, factsFrom('192.168.1.1'));
    } catch (error) {
      refusal = error;
    }
    expect(isGatewayError(refusal) && refusal.code).toBe('ip_not_allowed');
  });

  it('counts a caller with an RPM limit, and refuses past it', async () => {
    const policy = createAccountPolicy(new KeyGovernance(), noGroups);
    const caller = callerWith({ keyRpm: 1 });
    const first = policy.admit(caller, factsFrom('127.0.0.1'));
    expect(first).toBeInstanceOf(Promise);
    await first;
    const refusal = await refusalOf(policy.admit(caller, factsFrom('127.0.0.1'))!);
    expect(refusal.code).toBe('rate_limit_exceeded');
  });

  it('counts the prompt only for a token limit', async () => {
    const policy = createAccountPolicy(new KeyGovernance(), noGroups);
    const requestsOnly = factsFrom('127.0.0.1');
    await policy.admit(callerWith({ accountRpm: 5 }), requestsOnly);
    expect(requestsOnly.estimatedPromptTokens).not.toHaveBeenCalled();
    const tokens = factsFrom('127.0.0.1');
    await policy.admit(callerWith({ keyTpm: 1_000 }), tokens);
    expect(tokens.estimatedPromptTokens).toHaveBeenCalledTimes(1);
  });
});
