/**
 * `presently`: the command line. Runs under plain Node, on the same core as the app. Each subcommand
 * lives in its own module under electron/cli/ and is listed in `subcommands` below.
 */
import { APP_NAME, APP_VERSION } from '../app-identity';
import { errorMessage } from '../../shared/error-message';
import { appCommand } from './app-command';
import { compositorCommand } from './compositor-command';
import { publishCommand } from './publish-command';
import type { Subcommand } from './subcommand';
import { watchCommand } from './watch-command';

const subcommands: Readonly<Record<string, Subcommand>> = {
  publish: publishCommand,
  watch: watchCommand,
  compositor: compositorCommand,
  app: appCommand,
};

function usage(): string {
  const names = Object.keys(subcommands);
  const width = Math.max('--version'.length, ...names.map((n) => n.length));
  return [
    `${APP_NAME} ${APP_VERSION} — SIP presence from the command line`,
    '',
    'Usage: presently <command> [options]',
    '',
    'Commands:',
    ...names.map((name) => `  ${name.padEnd(width)}  ${subcommands[name]?.summary ?? ''}`),
    `  ${'--version'.padEnd(width)}  print the version`,
    `  ${'--help'.padEnd(width)}  print this help`,
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(usage());
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(APP_VERSION);
    return 0;
  }
  const subcommand = subcommands[command];
  if (!subcommand) {
    console.error(`presently: unknown command '${command}'\n\n${usage()}`);
    return 2;
  }
  return subcommand.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`presently: ${errorMessage(error)}`);
    process.exitCode = 1;
  },
);
