import { Command } from 'commander';
import { VERSION } from '../app.ts';
import { registerAccessCommands } from './access.ts';
import { registerAnalyticsCommands } from './analytics.ts';
import { registerBackupCommands } from './backup.ts';
import { registerDemoCommand } from './demo.ts';
import { registerExportCommand } from './export.ts';
import { registerImportCommand } from './import.ts';
import { registerMessageCommands } from './messages.ts';
import { reportError, withServices } from './context.ts';
import { registerWorkspaceCommands } from './workspace.ts';

const program = new Command()
  .name('rapport')
  .description(
    'Rapport — keep customers for life. Works on the same data as the server (RAPPORT_DATA_DIR or DATABASE_URL), also while it runs.',
  )
  .version(VERSION)
  .showHelpAfterError();

registerWorkspaceCommands(program);
registerAccessCommands(program);
registerDemoCommand(program);
registerImportCommand(program);
registerExportCommand(program);
registerAnalyticsCommands(program);
registerMessageCommands(program);
registerBackupCommands(program);

program
  .command('migrate')
  .description('Bring the database schema up to date (the server also does this at start)')
  .action(() => withServices(async () => console.log('Database schema is up to date.')));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  reportError(err);
}
