// Child process of the crash test: appends settlements through the real journal module
// (compiled to plain JavaScript by the test), reports each one, then waits to be killed.
// Usage: node journal-crash-child.mjs <journal module URL> <journal directory> <count> <fsync ms|null>
const [moduleUrl, directory, countText, fsyncText] = process.argv.slice(2);
const { SettlementJournal } = await import(moduleUrl);
const count = Number(countText);
const journal = new SettlementJournal({
  directory,
  fsyncIntervalMs: fsyncText === 'null' ? null : Number(fsyncText),
});

for (let index = 0; index < count; index += 1) {
  const id = `crash-${index}`;
  const charge = BigInt(1_000_000 + index);
  journal.append({
    generation: {
      id,
      accountId: process.env.CRASH_ACCOUNT_ID ?? 'account-crash',
      keyId: null,
      model: 'gpt-4o-mini',
      provider: 'openai',
      channel: 'openai-main',
      endpoint: '/v1/chat/completions',
      status: 'success',
      httpStatus: 200,
      errorCode: null,
      stream: true,
      promptTokens: 100,
      completionTokens: 20,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      usageEstimated: false,
      cost: charge,
      latencyMs: 500,
      ttftMs: 100,
      attempts: 1,
      createdAt: 1_700_000_000_000 + index,
    },
    charge,
  });
  // The response of request `index` has ended only now, after its settlement is journaled.
  if (index % 50 === 0 || index === count - 1) process.stdout.write(`appended ${index + 1}\n`);
}
process.stdout.write('done\n');
// Stay alive (without closing or syncing the journal) until the parent kills us.
setInterval(() => undefined, 60_000);
