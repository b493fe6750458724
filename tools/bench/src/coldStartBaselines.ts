/**
 * What a function's cold import is compared with, read off its own bundle: the AWS SDK clients and commands
 * it sends (its "SDK-only" bundle), and the same plus the Powertools utilities it builds at init (the floor
 * any function using Powertools starts from). Both are derived from the bundle's inputs, so a new function,
 * or a new command in an old one, is measured against the right baseline without a list to keep in sync.
 */

/** The SDK and Powertools modules one bundle holds, by the files esbuild reports as its inputs. */
export interface BundleImports {
  /** Per client package (`@aws-sdk/client-dynamodb`): its client class and the commands the bundle holds. */
  readonly sdk: ReadonlyMap<string, { readonly client: string; readonly commands: readonly string[] }>;
  /** Powertools packages the bundle holds, among those {@link powertoolsInit} knows how to build. */
  readonly powertools: readonly PowertoolsPackage[];
}

/** How each Powertools utility is built at init; the option values do not change what is loaded. */
const powertoolsInit = {
  logger: {
    imports: `import { Logger } from '@aws-lambda-powertools/logger';`,
    build: `new Logger({ serviceName: 'baseline' })`,
  },
  metrics: {
    imports: `import { Metrics } from '@aws-lambda-powertools/metrics';`,
    build: `new Metrics({ namespace: 'Baseline', serviceName: 'baseline' })`,
  },
  batch: {
    imports: `import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';`,
    build: `new BatchProcessor(EventType.SQS)`,
  },
} as const;
export type PowertoolsPackage = keyof typeof powertoolsInit;

const clientFile = /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\/dist-es\/([A-Za-z0-9]+Client)\.js$/;
const commandFile =
  /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\/dist-es\/commands\/([A-Za-z0-9]+Command)\.js$/;
const powertoolsFile = /node_modules\/@aws-lambda-powertools\/([a-z-]+)\//;

/** Reads which SDK clients, commands and Powertools utilities a bundle holds from its input paths. */
export function bundleImports(inputPaths: Iterable<string>): BundleImports {
  const clients = new Map<string, string>();
  const commands = new Map<string, Set<string>>();
  const powertools = new Set<PowertoolsPackage>();
  for (const path of inputPaths) {
    const client = clientFile.exec(path);
    if (client) clients.set(client[1]!, client[2]!);
    const command = commandFile.exec(path);
    if (command) {
      const names = commands.get(command[1]!) ?? new Set<string>();
      commands.set(command[1]!, names.add(command[2]!));
    }
    const utility = powertoolsFile.exec(path)?.[1];
    if (utility !== undefined && utility in powertoolsInit) powertools.add(utility as PowertoolsPackage);
  }
  const sdk = new Map<string, { client: string; commands: string[] }>();
  for (const [pkg, client] of [...clients].sort(([a], [b]) => a.localeCompare(b))) {
    sdk.set(pkg, { client, commands: [...(commands.get(pkg) ?? [])].sort() });
  }
  return { sdk, powertools: [...powertools].sort() };
}

/**
 * Source of a module holding only the SDK part of a function: each client built with no options, as a
 * function's adapters build theirs, and its commands kept (a client without them can send nothing).
 */
export function sdkOnlyEntry(imports: BundleImports): string {
  if (imports.sdk.size === 0) throw new Error('the bundle holds no AWS SDK client to compare with');
  const lines: string[] = [];
  const kept: string[] = [];
  for (const [pkg, { client, commands }] of imports.sdk) {
    lines.push(`import { ${[client, ...commands].join(', ')} } from '${pkg}';`);
    kept.push(`new ${client}({})`, ...commands);
  }
  lines.push(`globalThis.__baseline = [${kept.join(', ')}];`);
  return lines.join('\n');
}

/** Source of the SDK-only module plus the function's Powertools utilities, built as at init. */
export function sdkAndPowertoolsEntry(imports: BundleImports): string {
  const lines = [sdkOnlyEntry(imports)];
  for (const utility of imports.powertools) lines.push(powertoolsInit[utility].imports);
  const built = imports.powertools.map((utility) => powertoolsInit[utility].build);
  lines.push(`globalThis.__powertools = [${built.join(', ')}];`);
  return lines.join('\n');
}
