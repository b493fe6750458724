import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SyncError, UsageError } from './errors.js';
import { parseOptions, parseRollbackOptions } from './options.js';
import { rollbackLambda, syncLambdas } from './syncLambdas.js';

const help = `Usage: sync-lambdas (--affected | --functions a,b | --all) --allowed-account-ids 123456789012
       (--role-arn ARN | --use-default-credentials) [--region R] [--duration-seconds 900]
       [--alias live] [--watch-minutes 0] [--dry-run] [--concurrency 3] [--max-attempts 5]
       [--apps-dir apps] [--dist-dir dist/apps]
   or: sync-lambdas rollback NAME --allowed-account-ids 123456789012
       (--role-arn ARN | --use-default-credentials) [--region R] [--alias live] [--apps-dir apps]
`;

/**
 * Runs the CLI and resolves with the exit status: 0 all good, 1 a function failed (its smoke, its watch or a
 * call), 2 bad usage or a refusal before anything was deployed.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help);
    return 0;
  }
  try {
    const deps = { env, stdout: (text: string) => void process.stdout.write(text) };
    const report =
      argv[0] === 'rollback'
        ? await rollbackLambda(parseRollbackOptions(argv.slice(1), env), deps)
        : await syncLambdas(parseOptions(argv, env), deps);
    return report.exitCode;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      process.stderr.write(`sync-lambdas: ${error.message}\n\n${help}`);
      return 2;
    }
    if (error instanceof SyncError) {
      process.stderr.write(`sync-lambdas: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
