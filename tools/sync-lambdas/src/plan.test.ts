import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWorkspace } from '../tests/factories.js';
import { planDeployment } from './plan.js';

async function context(apps: string[], built: string[], affected: string[] = []) {
  const ws = await makeWorkspace(apps, built);
  return { ...ws, listAffected: async () => affected };
}

describe('planDeployment', () => {
  it('deploys the listed apps that have a built zip, sorted and without duplicates', async () => {
    // Prepare
    const ctx = await context(['scraper', 'retry_recheck'], ['scraper', 'retry_recheck']);

    // Act
    const targets = await planDeployment('list', ['scraper', 'retry_recheck', 'scraper'], ctx);

    // Assess
    expect(targets).toEqual([
      {
        name: 'retry_recheck',
        zipPath: `${ctx.distDir}/retry_recheck/retry_recheck.zip`,
        smokeEvent: '{"mode":"plan"}',
      },
      { name: 'scraper', zipPath: `${ctx.distDir}/scraper/scraper.zip`, smokeEvent: '{"mode":"plan"}' },
    ]);
  });

  it.each([
    ['not_an_app', 'refusing to deploy "not_an_app": no directory'],
    ['../libs', 'refusing to deploy "../libs": not a valid function name'],
    ['retry_recheck', 'refusing to deploy "retry_recheck": no built zip at'],
  ])('refuses %s', async (name, message) => {
    // Prepare
    const ctx = await context(['scraper', 'retry_recheck'], ['scraper']);

    // Act
    const planning = planDeployment('list', ['scraper', name], ctx);

    // Assess
    await expect(planning).rejects.toThrow(message);
  });

  it('takes every app directory with --all', async () => {
    // Prepare
    const ctx = await context(['scraper', 'data_clustering'], ['scraper', 'data_clustering']);

    // Act
    const targets = await planDeployment('all', [], ctx);

    // Assess
    expect(targets.map((t) => t.name)).toEqual(['data_clustering', 'scraper']);
  });

  it('ignores affected Nx apps that are not directories under apps/', async () => {
    // Prepare
    const ctx = await context(['scraper'], ['scraper'], ['bench', 'scraper']);

    // Act
    const targets = await planDeployment('affected', [], ctx);

    // Assess
    expect(targets.map((t) => t.name)).toEqual(['scraper']);
  });

  it('still refuses an affected app whose zip was not built', async () => {
    // Prepare
    const ctx = await context(['scraper', 'data_clustering'], ['scraper'], ['data_clustering']);

    // Act
    const planning = planDeployment('affected', [], ctx);

    // Assess
    await expect(planning).rejects.toThrow('no built zip');
  });

  it('takes the affected apps from Nx, and nothing when nothing changed', async () => {
    // Prepare
    const ctx = await context(['scraper', 'data_clustering'], ['scraper'], ['scraper']);

    // Act
    const affected = await planDeployment('affected', [], ctx);
    const unchanged = await planDeployment('affected', [], { ...ctx, listAffected: async () => [] });

    // Assess
    expect(affected.map((t) => t.name)).toEqual(['scraper']);
    expect(unchanged).toEqual([]);
  });

  it("sends the app's own smoke event when its directory holds smoke-event.json", async () => {
    // Prepare
    const ctx = await context(['scraper', 'retry_recheck'], ['scraper', 'retry_recheck']);
    await writeFile(join(ctx.appsDir, 'scraper', 'smoke-event.json'), '{\n  "Records": []\n}\n');

    // Act
    const targets = await planDeployment('all', [], ctx);

    // Assess
    expect(targets.map((t) => [t.name, t.smokeEvent])).toEqual([
      ['retry_recheck', '{"mode":"plan"}'],
      ['scraper', '{"Records":[]}'],
    ]);
  });

  it('refuses a smoke event that is not JSON, before anything is deployed', async () => {
    // Prepare
    const ctx = await context(['scraper'], ['scraper']);
    await writeFile(join(ctx.appsDir, 'scraper', 'smoke-event.json'), '{"Records": [');

    // Act
    const planning = planDeployment('all', [], ctx);

    // Assess
    await expect(planning).rejects.toThrow(
      /refusing to deploy "scraper": .*smoke-event.json is not valid JSON/,
    );
  });
});
