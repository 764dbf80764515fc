import type { OperationFacts } from './describe-operation.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Endpoints = Record<string, Partial<Record<Method, OperationFacts>>>;

const ok = (summary: string, tag: string, security: OperationFacts['security'], extra: Partial<OperationFacts> = {}): OperationFacts => ({
  summary,
  tag,
  security,
  success: { status: 200, schema: 'Object' },
  errors: security === 'none' ? [400] : security === 'admin' ? [400, 401, 403, 404] : [400, 401],
  ...extra,
});
const created = { status: 201, schema: 'Object' };
const noContent = { status: 204 };
const id = { id: 'Identifier' };
const page = { limit: 'Page size', offset: 'Page start' };
const usageFilters = { from: 'Start time (ISO 8601)', to: 'End time (ISO 8601)', model: 'Model id', key: 'API key id', status: 'success | error | cancelled' };

/** Sessions, keys, credit, codes, groups, prices, usage reports and administration. */
export const accountEndpoints: Endpoints = {
  '/api/auth/signup': { post: ok('Create an account and log in (when sign-up is open)', 'Auth', 'none', { body: 'Object', success: created, errors: [400, 403, 409] }) },
  '/api/auth/login': { post: ok('Log in: sets the session cookie', 'Auth', 'none', { body: 'Object', errors: [400, 401, 429] }) },
  '/api/auth/logout': { post: ok('Log out: ends the session', 'Auth', 'key_or_session', { success: noContent }) },
  '/api/auth/me': { get: ok('The calling account', 'Auth', 'key_or_session') },
  '/api/auth/password': { post: ok('Change the password; ends the other sessions', 'Auth', 'key_or_session', { body: 'Object', success: noContent, errors: [400, 401, 429] }) },

  '/api/keys': {
    get: ok('The caller\'s API keys (never the keys themselves)', 'Keys', 'key_or_session'),
    post: ok('Create an API key; the key is in the answer, once', 'Keys', 'key_or_session', { body: 'Object', success: created }),
  },
  '/api/keys/{id}': {
    patch: ok('Change a key\'s name, models, IP allowlist, limits or expiry', 'Keys', 'key_or_session', { path: id, body: 'Object', errors: [400, 401, 404] }),
    delete: ok('Revoke a key', 'Keys', 'key_or_session', { path: id, errors: [401, 404] }),
  },

  '/api/ledger': { get: ok('The caller\'s ledger entries, newest first', 'Credit', 'key_or_session', { query: page }) },
  '/api/redeem': { post: ok('Redeem a credit code: `{code}` → `{added, balance}`', 'Credit', 'key_or_session', { body: 'Object' }) },
  '/api/prices/{id}': { get: ok('Our price of a model for the caller (group multiplier applied)', 'Credit', 'key_or_session', { path: { id: 'Model id (may contain "/")' }, query: { provider: 'Serving provider' }, errors: [401, 404] }) },

  '/api/usage/daily': { get: ok('Daily totals per model or per key, for charts', 'Usage', 'key_or_session', { query: { ...usageFilters, group_by: 'model | key' } }) },
  '/api/usage.csv': { get: ok('The caller\'s requests as CSV (same filters as /api/usage)', 'Usage', 'key_or_session', { query: usageFilters, success: { status: 200, mediaType: 'text/csv' } }) },

  '/api/admin/accounts': {
    get: ok('Accounts, newest first', 'Admin', 'admin', { query: { ...page, q: 'Email or id' } }),
    post: ok('Create an account (also when sign-up is closed)', 'Admin', 'admin', { body: 'Object', success: created, errors: [400, 401, 403, 409] }),
  },
  '/api/admin/accounts/{id}': {
    get: ok('One account', 'Admin', 'admin', { path: id }),
    patch: ok('Disable, enable, or change the role of an account', 'Admin', 'admin', { path: id, body: 'Object' }),
  },
  '/api/admin/accounts/{id}/keys': {
    get: ok('An account\'s API keys', 'Admin', 'admin', { path: id }),
    post: ok('Create an API key for an account', 'Admin', 'admin', { path: id, body: 'Object', success: created }),
  },
  '/api/admin/accounts/{id}/rate-limits': {
    get: ok('An account\'s RPM and TPM limits', 'Admin', 'admin', { path: id }),
    put: ok('Set an account\'s RPM and TPM limits', 'Admin', 'admin', { path: id, body: 'Object' }),
  },
  '/api/admin/accounts/{id}/credit': { post: ok('Grant credit, or correct it with a negative amount and a note', 'Admin', 'admin', { path: id, body: 'Object', errors: [400, 401, 403, 404, 409] }) },
  '/api/admin/accounts/{id}/ledger': { get: ok('An account\'s ledger entries', 'Admin', 'admin', { path: id, query: page }) },
  '/api/admin/accounts/{id}/group': { patch: ok('Put an account in a group (or none)', 'Admin', 'admin', { path: id, body: 'Object' }) },
  '/api/admin/accounts/{id}/low-balance': {
    get: ok('An account\'s low-balance threshold', 'Admin', 'admin', { path: id }),
    put: ok('Set an account\'s low-balance threshold', 'Admin', 'admin', { path: id, body: 'Object' }),
  },
  '/api/admin/codes': {
    get: ok('Redemption codes (prefixes only)', 'Admin', 'admin', { query: page }),
    post: ok('Create a batch of redemption codes; shown once', 'Admin', 'admin', { body: 'Object', success: created }),
  },
  '/api/admin/codes/{id}/disable': { post: ok('Disable a redemption code', 'Admin', 'admin', { path: id }) },
  '/api/admin/groups': {
    get: ok('Account groups', 'Admin', 'admin'),
    post: ok('Create a group (price multiplier, channel pool)', 'Admin', 'admin', { body: 'Object', success: created, errors: [400, 401, 403, 409] }),
  },
  '/api/admin/groups/{id}': {
    get: ok('One group', 'Admin', 'admin', { path: id }),
    patch: ok('Change a group', 'Admin', 'admin', { path: id, body: 'Object' }),
    delete: ok('Delete a group', 'Admin', 'admin', { path: id }),
  },
  '/api/admin/prices': { get: ok('Per-model price overrides', 'Admin', 'admin') },
  '/api/admin/prices/{id}': {
    get: ok('A model\'s price overrides', 'Admin', 'admin', { path: { id: 'Model id (may contain "/")' } }),
    put: ok('Set our price of a model (optionally for one provider)', 'Admin', 'admin', { path: { id: 'Model id (may contain "/")' }, body: 'Object' }),
    delete: ok('Remove a price override', 'Admin', 'admin', { path: { id: 'Model id (may contain "/")' }, query: { provider: 'Provider of the override' } }),
  },
  '/api/admin/channels': { get: ok('Each channel with its live state: enabled, cooling down, breaker, error rate, latency, why disabled', 'Admin', 'admin') },
  '/api/admin/channels/{id}/test': { post: ok('Send a minimal real request through the channel; latency and result', 'Admin', 'admin', { path: id, body: 'Object' }) },
  '/api/admin/channels/{id}/enable': { post: ok('Put a channel back in service (clears breaker and cooldown)', 'Admin', 'admin', { path: id, errors: [400, 401, 403, 404, 409] }) },
  '/api/admin/channels/{id}/disable': { post: ok('Take a channel out of service, with a reason', 'Admin', 'admin', { path: id, body: 'Object' }) },
  '/api/admin/ledger/verify': { get: ok('Check every balance against its ledger; lists open holds', 'Admin', 'admin') },
  '/api/admin/ledger/trace/{id}': { get: ok('A generation with its ledger entries and upstream attempts', 'Admin', 'admin', { path: id }) },
};
