import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { rejectionOf } from '../support/rejection-of.js';

let upstream: MockOpenAIUpstream;
let harness: TestGateway;
let adminCookie: string;

beforeAll(async () => {
  upstream = await startMockOpenAIUpstream();
  harness = await startTestGateway({
    config: `pricing:\n  markup: 1\nchannels:\n  - name: mock\n    provider: openai\n    base_url: ${upstream.url}\n    api_key: sk-mock\n    models: [gpt-4o-mini]\n`,
  });
  adminCookie = await logIn('admin@localhost', 'admin-password');
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
});

async function call(method: string, path: string, options: { cookie?: string; key?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${harness.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

async function logIn(email: string, password: string): Promise<string> {
  const response = await call('POST', '/api/auth/login', { body: { email, password } });
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

function client(key: string) {
  return new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
}

describe('accounts, keys and credit through the running gateway', () => {
  it('signs up, manages keys with a session, and sees usage and balance', async () => {
    const signup = await call('POST', '/api/auth/signup', { body: { email: 'Person@Example.com', password: 'correct horse battery' } });
    expect(signup.status).toBe(201);
    const cookie = signup.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const session = cookie.split(';')[0]!;
    expect((await call('GET', '/api/auth/me', { cookie: session })).body).toMatchObject({ email: 'person@example.com', role: 'user' });

    const created = await call('POST', '/api/keys', { cookie: session, body: { name: 'laptop' } });
    expect(created.status).toBe(201);
    const key = created.body!.key as string;
    const answer = await client(key).chat.completions.create({ model: 'demo/echo', messages: [{ role: 'user', content: 'via a key made in a session' }] });
    expect(answer.choices[0]?.message.content).toBe('via a key made in a session');
    const usage = await call('GET', '/api/usage', { cookie: session });
    expect(usage.body!.data.map((record: { id: string }) => record.id)).toContain(answer.id);

    // A priced model needs credit: 402 until an admin's code is redeemed.
    const refused = await rejectionOf(client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    expect(refused.status).toBe(402);
    const codes = await call('POST', '/api/admin/codes', { cookie: adminCookie, body: { count: 1, amount: '2.5' } });
    expect(codes.status).toBe(201);
    const redeemed = await call('POST', '/api/redeem', { key, body: { code: codes.body!.codes[0].code } });
    expect(redeemed.body).toMatchObject({ added: 2.5, balance: 2.5 });
    const again = await call('POST', '/api/redeem', { key, body: { code: codes.body!.codes[0].code } });
    expect(again.status).toBe(400);

    const paid = await client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'paid now' }] });
    const cost = (paid.usage as unknown as { cost: number }).cost;
    expect(cost).toBeGreaterThan(0);
    const info = await call('GET', '/api/key', { key });
    expect(info.body!.balance).toBeCloseTo(2.5 - cost, 12);
    const verify = await call('GET', '/api/admin/ledger/verify', { cookie: adminCookie });
    expect(verify.body).toMatchObject({ ok: true });
  });

  it('refuses admin endpoints to a non-admin', async () => {
    const { key } = await harness.createKey();
    expect((await call('GET', '/api/admin/accounts', { key })).status).toBe(403);
    expect((await call('GET', '/api/admin/accounts')).status).toBe(401);
  });

  it('applies a key IP allowlist and its requests-per-minute limit on the model API', async () => {
    const owner = await harness.createKey({ credit: '1' });
    const session = await call('POST', '/api/admin/accounts/' + owner.accountId + '/keys', { cookie: adminCookie, body: { name: 'elsewhere', ip_allowlist: ['10.1.2.0/24'] } });
    expect(session.status).toBe(201);
    const blocked = await rejectionOf(client(session.body!.key).chat.completions.create({ model: 'demo/echo', messages: [{ role: 'user', content: 'hi' }] }));
    expect(blocked.status).toBe(403);
    expect(blocked.code).toBe('ip_not_allowed');

    const limited = await call('POST', '/api/admin/accounts/' + owner.accountId + '/keys', { cookie: adminCookie, body: { name: 'slow', rpm: 2 } });
    const slow = client(limited.body!.key);
    await slow.chat.completions.create({ model: 'demo/echo', messages: [{ role: 'user', content: 'one' }] });
    await slow.chat.completions.create({ model: 'demo/echo', messages: [{ role: 'user', content: 'two' }] });
    const third = await rejectionOf(slow.chat.completions.create({ model: 'demo/echo', messages: [{ role: 'user', content: 'three' }] }));
    expect(third.status).toBe(429);
    expect(Number(third.headers?.get('retry-after'))).toBeGreaterThan(0);
  });

  it('bills an account group at its multiplier, and an admin price override at once', async () => {
    const member = await harness.createKey({ credit: '1' });
    const group = await call('POST', '/api/admin/groups', { cookie: adminCookie, body: { name: 'half', price_multiplier: '0.5' } });
    expect(group.status).toBe(201);
    expect((await call('PATCH', `/api/admin/accounts/${member.accountId}/group`, { cookie: adminCookie, body: { group: 'half' } })).status).toBe(200);
    const override = await call('PUT', '/api/admin/prices/gpt-4o-mini', { cookie: adminCookie, body: { provider: 'openai', input: '10', output: '20' } });
    expect(override.status).toBe(200);
    // Both changes reach the running gateway in the background; the caller's price shows when.
    await expect
      .poll(async () => (await call('GET', '/api/prices/gpt-4o-mini?provider=openai', { key: member.key })).body?.pricing?.input, { timeout: 3000 })
      .toBe(5);

    const { data, response } = await client(member.key)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'group price' }] })
      .withResponse();
    const usage = data.usage!;
    // $10 / $20 per 1M tokens, halved by the group.
    const expected = ((usage.prompt_tokens * 10 + usage.completion_tokens * 20) / 1e6) * 0.5;
    expect(Number(response.headers.get('x-switchyard-cost'))).toBeCloseTo(expected, 12);
  });
});
