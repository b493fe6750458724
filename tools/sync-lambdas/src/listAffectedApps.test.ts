import { describe, expect, it } from 'vitest';
import { listAffectedApps } from './listAffectedApps.js';

describe('listAffectedApps', () => {
  it('asks Nx for the affected app projects as JSON, ignoring notices before it', async () => {
    // Prepare
    const calls: string[] = [];
    const run = async (command: string, args: readonly string[]) => {
      calls.push([command, ...args].join(' '));
      return 'NX  some notice\n["scraper","retry_recheck"]\n';
    };

    // Act
    const apps = await listAffectedApps(run);

    // Assess
    expect(apps).toEqual(['scraper', 'retry_recheck']);
    expect(calls).toEqual(['npx nx show projects --affected --type app --json']);
  });

  it('refuses an answer that is not a JSON list of names', async () => {
    // Act / Assess
    await expect(listAffectedApps(async () => 'oops')).rejects.toThrow('did not answer JSON: oops');
    await expect(listAffectedApps(async () => '[1]')).rejects.toThrow('did not answer a list of names');
  });
});
