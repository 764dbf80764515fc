import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyGovernance } from '../../src/accounts/key-governance.js';
import { callerWith, refusalOf } from './governance-fixtures.js';

const admission = { clientAddress: () => '127.0.0.1', estimatedPromptTokens: 10 };

// The in-memory limiter reads Date.now and expires windows with setTimeout, so fake timers drive its clock.
beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RPM limits in memory', () => {
  it('admits a key up to its RPM, then refuses with 429 and retry-after until the window ends', async () => {
    const governance = new KeyGovernance();
    const caller = callerWith({ keyRpm: 3 });
    for (let index = 0; index < 3; index += 1) await governance.admit(caller, admission);
    vi.advanceTimersByTime(20_000);
    const refusal = await refusalOf(governance.admit(caller, admission));
    expect(refusal.code).toBe('rate_limit_exceeded');
    expect(refusal.status).toBe(429);
    expect(refusal.details.retryAfterSeconds).toBe(40);
    expect(refusal.message).toContain('this API key');
    expect(refusal.message).toContain('3 requests per minute');

    vi.advanceTimersByTime(40_000);
    await expect(governance.admit(caller, admission)).resolves.toBeUndefined();
  });

  it('rounds retry-after up to whole seconds', async () => {
    const governance = new KeyGovernance();
    const caller = callerWith({ keyRpm: 1 });
    await governance.admit(caller, admission);
    vi.advanceTimersByTime(20_500);
    expect((await refusalOf(governance.admit(caller, admission))).details.retryAfterSeconds).toBe(40);
  });

  it('counts each key on its own', async () => {
    const governance = new KeyGovernance();
    const first = callerWith({ keyRpm: 1 });
    const second = callerWith({ keyRpm: 1 });
    await governance.admit(first, admission);
    await governance.admit(second, admission);
    expect((await refusalOf(governance.admit(first, admission))).code).toBe('rate_limit_exceeded');
  });

  it('limits an account across all its keys', async () => {
    const governance = new KeyGovernance();
    const first = callerWith({ accountId: 'acct_shared', accountRpm: 2 });
    const second = callerWith({ accountId: 'acct_shared', accountRpm: 2 });
    await governance.admit(first, admission);
    await governance.admit(second, admission);
    const refusal = await refusalOf(governance.admit(first, admission));
    expect(refusal.code).toBe('rate_limit_exceeded');
    expect(refusal.message).toContain('this account');
  });

  it('gives back the key slot when the account refuses, so refused requests do not eat the key limit', async () => {
    const governance = new KeyGovernance();
    const limited = callerWith({ accountId: 'acct_a', keyId: 'key_a', keyRpm: 2, accountRpm: 1 });
    await governance.admit(limited, admission);
    for (let index = 0; index < 5; index += 1) {
      expect((await refusalOf(governance.admit(limited, admission))).message).toContain('this account');
    }
    // The same key under a raised account limit still has its second slot: the refusals took none.
    const raised = callerWith({ accountId: 'acct_a', keyId: 'key_a', keyRpm: 2, accountRpm: 100 });
    await governance.admit(raised, admission);
    expect((await refusalOf(governance.admit(raised, admission))).message).toContain('this API key');
  });

  it('applies a changed limit at once', async () => {
    const governance = new KeyGovernance();
    await governance.admit(callerWith({ keyId: 'key_b', keyRpm: 1 }), admission);
    expect((await refusalOf(governance.admit(callerWith({ keyId: 'key_b', keyRpm: 1 }), admission))).code).toBe('rate_limit_exceeded');
    await expect(governance.admit(callerWith({ keyId: 'key_b', keyRpm: 5 }), admission)).resolves.toBeUndefined();
  });

  it('admits without limit when neither key nor account has one', async () => {
    const governance = new KeyGovernance();
    const caller = callerWith();
    for (let index = 0; index < 500; index += 1) await governance.admit(caller, admission);
  });

  it('honours a shorter window', async () => {
    const governance = new KeyGovernance({ windowSeconds: 10 });
    const caller = callerWith({ keyRpm: 1 });
    await governance.admit(caller, admission);
    const refusal = await refusalOf(governance.admit(caller, admission));
    expect(refusal.details.retryAfterSeconds).toBe(10);
    expect(refusal.message).toContain('per 10 seconds');
    vi.advanceTimersByTime(10_000);
    await governance.admit(caller, admission);
  });
});

describe('TPM limits in memory', () => {
  it('admits while the window has room for the estimate, and refuses once recorded tokens fill it', async () => {
    const governance = new KeyGovernance();
    const caller = callerWith({ keyTpm: 1000 });
    await governance.admit(caller, { clientAddress: () => null, estimatedPromptTokens: 300 });
    governance.recordTokens(caller, 700);
    await governance.flush();
    // 700 used: 300 more fit, 301 do not.
    await governance.admit(caller, { clientAddress: () => null, estimatedPromptTokens: 300 });
    const refusal = await refusalOf(governance.admit(caller, { clientAddress: () => null, estimatedPromptTokens: 301 }));
    expect(refusal.code).toBe('rate_limit_exceeded');
    expect(refusal.message).toContain('1000 tokens per minute');

    governance.recordTokens(caller, 300);
    await governance.flush();
    vi.advanceTimersByTime(30_000);
    const exhausted = await refusalOf(governance.admit(caller, { clientAddress: () => null, estimatedPromptTokens: 1 }));
    expect(exhausted.details.retryAfterSeconds).toBe(30);

    vi.advanceTimersByTime(30_000);
    await governance.admit(caller, { clientAddress: () => null, estimatedPromptTokens: 1 });
  });

  it('lets a prompt larger than the whole limit start an empty window, so it is not refused forever', async () => {
    const governance = new KeyGovernance();
    const caller = callerWith({ keyTpm: 100 });
    await governance.admit(caller, { clientAddress: () => null, estimatedPromptTokens: 5000 });
    governance.recordTokens(caller, 5000);
    await governance.flush();
    expect((await refusalOf(governance.admit(caller, { clientAddress: () => null, estimatedPromptTokens: 1 }))).code).toBe('rate_limit_exceeded');
  });

  it('limits an account across its keys', async () => {
    const governance = new KeyGovernance();
    const first = callerWith({ accountId: 'acct_t', accountTpm: 500 });
    const second = callerWith({ accountId: 'acct_t', accountTpm: 500 });
    governance.recordTokens(first, 500);
    await governance.flush();
    const refusal = await refusalOf(governance.admit(second, { clientAddress: () => null, estimatedPromptTokens: 1 }));
    expect(refusal.message).toContain('this account');
  });

  it('a TPM refusal takes no RPM slot', async () => {
    const governance = new KeyGovernance();
    const caller = callerWith({ keyTpm: 10, keyRpm: 1 });
    governance.recordTokens(caller, 10);
    await governance.flush();
    for (let index = 0; index < 3; index += 1) {
      expect((await refusalOf(governance.admit(caller, admission))).message).toContain('tokens');
    }
    vi.advanceTimersByTime(60_000);
    await governance.admit(caller, admission);
  });

  it('ignores zero, negative and non-finite token counts', async () => {
    const governance = new KeyGovernance();
    const caller = callerWith({ keyTpm: 1 });
    governance.recordTokens(caller, 0);
    governance.recordTokens(caller, -5);
    governance.recordTokens(caller, Number.NaN);
    await governance.flush();
    await governance.admit(caller, { clientAddress: () => null, estimatedPromptTokens: 1 });
  });
});

describe('admission order', () => {
  it('refuses a disallowed address with 403 ip_not_allowed before counting anything', async () => {
    const governance = new KeyGovernance();
    const caller = callerWith({ ipAllowlist: ['10.0.0.0/8'], keyRpm: 1 });
    const refusal = await refusalOf(governance.admit(caller, { clientAddress: () => '192.0.2.1', estimatedPromptTokens: 1 }));
    expect(refusal.code).toBe('ip_not_allowed');
    expect(refusal.status).toBe(403);
    expect(refusal.message).toContain('192.0.2.1');
    await governance.admit(caller, { clientAddress: () => '10.1.1.1', estimatedPromptTokens: 1 });
  });

  it('reads the client address only for a key with an allowlist', async () => {
    const governance = new KeyGovernance();
    let reads = 0;
    const clientAddress = () => {
      reads += 1;
      return '10.1.1.1';
    };
    await governance.admit(callerWith({}), { clientAddress, estimatedPromptTokens: 1 });
    expect(reads).toBe(0);
    await governance.admit(callerWith({ ipAllowlist: ['10.0.0.0/8'] }), { clientAddress, estimatedPromptTokens: 1 });
    expect(reads).toBe(1);
  });

  it('refuses an unknown address when the key has an allowlist', async () => {
    const governance = new KeyGovernance();
    const refusal = await refusalOf(governance.admit(callerWith({ ipAllowlist: ['10.0.0.0/8'] }), { clientAddress: () => null, estimatedPromptTokens: 1 }));
    expect(refusal.code).toBe('ip_not_allowed');
  });

  it('checks the model allowlist when a model is named, before counting', async () => {
    const governance = new KeyGovernance();
    const caller = callerWith({ models: ['gpt-4*'], keyRpm: 1 });
    const refusal = await refusalOf(governance.admit(caller, { ...admission, modelName: 'claude-sonnet-4-5', modelId: 'claude-sonnet-4-5' }));
    expect(refusal.code).toBe('model_not_allowed');
    await governance.admit(caller, { ...admission, modelName: 'gpt-4o', modelId: 'gpt-4o' });
    await governance.admit(callerWith({ models: ['openai/*'] }), { ...admission, modelName: 'gpt-4o', modelId: 'gpt-4o', modelCreator: 'openai' });
  });
});
