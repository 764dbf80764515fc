import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './account-commands.js';
import { registerCatalogCommands } from './catalog-command.js';
import { withStore } from './cli-store.js';
import { unitsToUsdString } from '../metering/money.js';
import { runServe } from './serve-command.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

const program = new Command('switchyard')
  .description('Switchyard: one OpenAI-compatible endpoint in front of many model providers')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

program.command('serve').description('run the gateway').action(runServe);

program
  .command('migrate')
  .description('create or upgrade the schema, then exit')
  .action(async () => {
    const dialect = await withStore(async (store) => store.dialect);
    print(`schema up to date (${dialect})`);
  });

registerAccountCommands(program, print);
registerCatalogCommands(program, print);

const ledger = program.command('ledger').description('inspect the ledger');
ledger
  .command('verify')
  .description('check that every balance equals the sum of its ledger entries')
  .action(async () => {
    const discrepancies = await withStore((store) => store.verifyLedger());
    if (discrepancies.length === 0) {
      print('ok: every balance equals the sum of its ledger entries');
      return;
    }
    for (const item of discrepancies) {
      print(`${item.email}: balance ${unitsToUsdString(item.balance)} != ledger ${unitsToUsdString(item.ledgerSum)}`);
    }
    throw new Error(`${discrepancies.length} account(s) differ from their ledger`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`switchyard: ${message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
