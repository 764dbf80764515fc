import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { usdToUnits } from '../../src/metering/money.js';

/** Our price of every test model, USD per 1M tokens: a request's cost follows from its tokens. */
export const inputPrice = 1;
export const outputPrice = 2;

export interface ChannelSpec {
  name: string;
  baseUrl: string;
  models: string[];
  priority?: number;
  weight?: number;
  /** Raw YAML of the channel's `timeouts` mapping, e.g. `{ first_byte_ms: 500 }`. */
  timeouts?: string;
}

export interface ResilienceHarness {
  harness: TestGateway;
  client: OpenAI;
  key: string;
  accountId: string;
  /** The account's balance now, in money units, charges not yet stored included. */
  balance(): Promise<bigint>;
  generation(id: string): Promise<Record<string, unknown>>;
  usage(limit?: number): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** A gateway whose channels are all `openai-compatible`, every model priced the same. */
export async function startResilienceGateway(channels: ChannelSpec[], extraConfig = ''): Promise<ResilienceHarness> {
  const models = [...new Set(channels.flatMap((channel) => channel.models))];
  const config = [
    'pricing:',
    '  markup: 1',
    'channels:',
    ...channels.flatMap((channel) => [
      `  - name: ${channel.name}`,
      '    provider: openai-compatible',
      `    base_url: ${JSON.stringify(channel.baseUrl)}`,
      '    api_key: sk-resilience-test',
      `    models: [${channel.models.join(', ')}]`,
      `    priority: ${channel.priority ?? 0}`,
      `    weight: ${channel.weight ?? 1}`,
      ...(channel.timeouts ? [`    timeouts: ${channel.timeouts}`] : []),
    ]),
    'models:',
    ...models.flatMap((id) => [`  - id: ${id}`, '    provider: openai-compatible', `    pricing: { input: ${inputPrice}, output: ${outputPrice} }`]),
    extraConfig,
  ].join('\n');
  const harness = await startTestGateway({ config });
  const { key, accountId } = await harness.createKey({ credit: '10' });
  const client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0, timeout: 20_000 });
  const authorization = { authorization: `Bearer ${key}` };
  return {
    harness,
    client,
    key,
    accountId,
    async balance() {
      const account = await harness.gateway.store.findAccountById(accountId);
      return (account?.balance ?? 0n) - harness.gateway.services.settlements.pendingCharges(accountId);
    },
    async generation(id) {
      const response = await fetch(`${harness.url}/api/generations/${id}`, { headers: authorization });
      return (await response.json()) as Record<string, unknown>;
    },
    async usage(limit = 100) {
      const response = await fetch(`${harness.url}/api/usage?limit=${limit}`, { headers: authorization });
      return ((await response.json()) as { data: Array<Record<string, unknown>> }).data;
    },
    close: () => harness.close(),
  };
}

/** What a record's tokens cost at the test prices, in money units. */
export function expectedCharge(record: Record<string, unknown>): bigint {
  const prompt = BigInt(record.prompt_tokens as number);
  const completion = BigInt(record.completion_tokens as number);
  return (prompt * BigInt(inputPrice) + completion * BigInt(outputPrice)) * 1_000_000n;
}

/** A record's `cost` (USD, a JSON number) in money units. */
export function costUnits(record: Record<string, unknown>): bigint {
  return usdToUnits(String(record.cost));
}
