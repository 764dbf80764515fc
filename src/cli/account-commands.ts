import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { hashPassword } from '../accounts/password-hash.js';
import { generateApiKey } from '../accounts/api-key-format.js';
import { newAccountId } from '../app/bootstrap-admin.js';
import { unitsToUsdString, usdToUnits } from '../metering/money.js';
import type { BudgetPeriod, LedgerEntryKind, Store } from '../store/store.js';
import { parseIpRange } from '../accounts/ip-allowlist.js';
import { CommandError, requireAccount, withStore } from './cli-store.js';

export function registerAccountCommands(program: Command, print: (line: string) => void): void {
  const user = program.command('user').description('manage accounts');
  user
    .command('add')
    .description('create an account; prints its id')
    .requiredOption('--email <email>', 'login email')
    .option('--password <password>', 'login password (none: the account cannot log in)')
    .option('--admin', 'make it an administrator', false)
    .option('--credit <usd>', 'initial prepaid credit in USD')
    .action(async (options: { email: string; password?: string; admin: boolean; credit?: string }) => {
      const email = options.email.trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new CommandError(`not an email address: ${options.email}`);
      const credit = options.credit === undefined ? 0n : parseUsd(options.credit, '--credit');
      const id = await withStore(async (store) => {
        if (await store.findAccountByEmail(email)) throw new CommandError(`an account with email ${email} exists already`);
        const account = await store.createAccount({
          id: newAccountId(),
          email,
          passwordHash: options.password ? await hashPassword(options.password) : null,
          role: options.admin ? 'admin' : 'user',
          createdAt: Date.now(),
        });
        if (credit !== 0n) await appendCredit(store, account.id, credit, 'initial credit');
        return account.id;
      });
      print(id);
    });

  const key = program.command('key').description('manage API keys');
  key
    .command('create')
    .description('create an API key; prints the key itself, once')
    .requiredOption('--email <email>', 'owner account')
    .option('--name <name>', 'a name to recognise it by', 'default')
    .option('--models <ids>', 'comma-separated model ids it may use (default: all)')
    .option('--budget <usd>', 'spending limit in USD')
    .option('--rpm <n>', 'requests per minute')
    .option('--tpm <n>', 'tokens per minute')
    .option('--expires <iso>', 'expiry time (ISO-8601)')
    .option('--ip <list>', 'comma-separated IP addresses and CIDR ranges it may be used from (default: anywhere)')
    .option('--budget-period <period>', 'total, day, week or month: over what period --budget applies', 'total')
    .action(async (options: { email: string; name: string; models?: string; budget?: string; rpm?: string; tpm?: string; expires?: string; ip?: string; budgetPeriod: string }) => {
      const material = generateApiKey();
      const expiresAt = options.expires === undefined ? null : Date.parse(options.expires);
      if (expiresAt !== null && Number.isNaN(expiresAt)) throw new CommandError(`--expires is not an ISO-8601 time: ${options.expires}`);
      const ipAllowlist = parseIpAllowlist(options.ip);
      const budgetPeriod = parseBudgetPeriod(options.budgetPeriod);
      await withStore(async (store) => {
        const account = await requireAccount(store, options.email.trim().toLowerCase());
        const now = Date.now();
        await store.createApiKey({
          id: `key_${randomUUID().replaceAll('-', '')}`,
          accountId: account.id,
          name: options.name,
          prefix: material.prefix,
          hash: material.hash,
          models: options.models ? options.models.split(',').map((model) => model.trim()).filter(Boolean) : [],
          budget: options.budget === undefined ? null : parseUsd(options.budget, '--budget'),
          rpm: parseCount(options.rpm, '--rpm'),
          tpm: parseCount(options.tpm, '--tpm'),
          expiresAt,
          ipAllowlist,
          budgetPeriod,
          createdAt: now,
        });
      });
      print(material.key);
    });

  key
    .command('revoke')
    .description('revoke an API key by its visible prefix; prints the prefix')
    .requiredOption('--email <email>', 'owner account')
    .requiredOption('--prefix <prefix>', 'the key prefix shown at creation and in GET /api/key')
    .action(async (options: { email: string; prefix: string }) => {
      await withStore(async (store) => {
        const account = await requireAccount(store, options.email.trim().toLowerCase());
        const matches = (await store.listApiKeys(account.id)).filter((candidate) => candidate.prefix === options.prefix);
        if (matches.length !== 1) throw new CommandError(`${matches.length} keys of ${options.email} have the prefix ${options.prefix}`);
        if (!(await store.revokeApiKey(matches[0]!.id, Date.now()))) throw new CommandError('that key was revoked already');
      });
      print(options.prefix);
    });

  const credit = program.command('credit').description('manage prepaid credit');
  credit
    .command('add')
    .description('add prepaid credit (a negative amount is a correction); prints the new balance in USD')
    .requiredOption('--email <email>', 'account')
    .requiredOption('--amount <usd>', 'USD amount')
    .option('--note <text>', 'why')
    .action(async (options: { email: string; amount: string; note?: string }) => {
      const amount = parseUsd(options.amount, '--amount');
      if (amount === 0n) throw new CommandError('--amount must not be zero');
      const balance = await withStore(async (store) => {
        const account = await requireAccount(store, options.email.trim().toLowerCase());
        await appendCredit(store, account.id, amount, options.note ?? null);
        return (await store.findAccountById(account.id))!.balance;
      });
      print(unitsToUsdString(balance));
    });
}

async function appendCredit(store: Store, accountId: string, amount: bigint, note: string | null): Promise<void> {
  const id = randomUUID();
  const kind: LedgerEntryKind = amount > 0n ? 'top_up' : 'correction';
  await store.appendLedgerEntry({
    id,
    accountId,
    kind,
    amount,
    idempotencyKey: `${kind}:${id}`,
    generationId: null,
    note,
    createdAt: Date.now(),
  });
}

function parseUsd(text: string, flag: string): bigint {
  try {
    return usdToUnits(text);
  } catch {
    throw new CommandError(`${flag} must be a decimal USD amount, got ${JSON.stringify(text)}`);
  }
}

function parseIpAllowlist(text: string | undefined): string[] {
  if (text === undefined) return [];
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  const invalid = entries.find((entry) => parseIpRange(entry) === null);
  if (invalid !== undefined) throw new CommandError(`--ip entry is not an IP address or CIDR range: ${invalid}`);
  return entries;
}

function parseBudgetPeriod(text: string): BudgetPeriod {
  if (text === 'total' || text === 'day' || text === 'week' || text === 'month') return text;
  throw new CommandError(`--budget-period must be total, day, week or month, got ${JSON.stringify(text)}`);
}

function parseCount(text: string | undefined, flag: string): number | null {
  if (text === undefined) return null;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new CommandError(`${flag} must be a whole number of at least 1`);
  return Number(text);
}
