import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RefusedFunctionError } from './errors.js';
import { Selection } from './options.js';

/** One function to deploy: the app directory's name is the Lambda function's name. */
export interface DeployTarget {
  name: string;
  zipPath: string;
  /** The JSON event of the smoke invocation: one the function answers without writing or sending. */
  smokeEvent: string;
}

/** An app directory may hold its own smoke event in this file. */
export const smokeEventFile = 'smoke-event.json';

/**
 * The smoke event of a function whose directory has no {@link smokeEventFile}: the schedulers' dry run,
 * which reads and plans but writes and sends nothing. A function that does not know it fails its smoke, and
 * its alias stays where it was: a new function must answer this event or ship its own file.
 */
export const defaultSmokeEvent = { mode: 'plan' } as const;

/** Where apps and their zips live, and how to ask Nx what changed. */
export interface PlanContext {
  appsDir: string;
  distDir: string;
  listAffected: () => Promise<string[]>;
}

// Lambda's own charset for names; it also keeps `..` and slashes out of the paths built below.
const functionNamePattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Turns the selection into targets. Every name must be a directory under `apps/` with a built zip at
 * `<distDir>/<name>/<name>.zip`; any other name is refused before anything is deployed.
 */
export async function planDeployment(
  selection: Selection,
  requested: readonly string[],
  context: PlanContext,
): Promise<DeployTarget[]> {
  const names = await namesFor(selection, requested, context);
  const unique = [...new Set(names)].sort();
  const targets: DeployTarget[] = [];
  for (const name of unique) targets.push(await checkTarget(name, context));
  return targets;
}

async function namesFor(selection: Selection, requested: readonly string[], context: PlanContext) {
  if (selection === Selection.List) return [...requested];
  if (selection === Selection.Affected) return affectedFunctions(context);
  return listAppDirectories(context.appsDir);
}

// Nx may count other projects as apps (a tool with projectType application): only a directory under
// apps/ is a function, so the rest of the affected list is not ours to deploy.
async function affectedFunctions(context: PlanContext): Promise<string[]> {
  const affected = await context.listAffected();
  const functions: string[] = [];
  for (const name of affected) {
    if (functionNamePattern.test(name) && (await isDirectory(join(context.appsDir, name))))
      functions.push(name);
  }
  return functions;
}

/** Refuses a name that is not a valid function name or not a directory under `apps/`. */
export async function checkFunctionName(name: string, appsDir: string): Promise<void> {
  if (!functionNamePattern.test(name)) {
    throw new RefusedFunctionError(name, 'not a valid function name (letters, digits, - and _ only)');
  }
  if (!(await isDirectory(join(appsDir, name)))) {
    throw new RefusedFunctionError(name, `no directory ${join(appsDir, name)}`);
  }
}

async function checkTarget(name: string, context: PlanContext): Promise<DeployTarget> {
  await checkFunctionName(name, context.appsDir);
  const zipPath = join(context.distDir, name, `${name}.zip`);
  if (!(await isFile(zipPath))) {
    throw new RefusedFunctionError(name, `no built zip at ${zipPath} (run \`npx nx build ${name}\`)`);
  }
  return { name, zipPath, smokeEvent: await readSmokeEvent(name, context.appsDir) };
}

async function readSmokeEvent(name: string, appsDir: string): Promise<string> {
  const path = join(appsDir, name, smokeEventFile);
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return JSON.stringify(defaultSmokeEvent);
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    throw new RefusedFunctionError(name, `${path} is not valid JSON`);
  }
}

async function listAppDirectories(appsDir: string): Promise<string[]> {
  const entries = await readdir(appsDir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
