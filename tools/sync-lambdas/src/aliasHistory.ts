/**
 * Lambda keeps no history of an alias, so sync-lambdas writes the version an alias served before each move
 * into the alias's description; `rollback` reads it back. A rollback records the version it left the same
 * way, so a second rollback undoes the first.
 */
export function describeMove(previousVersion: string): string {
  return `sync-lambdas: previous version ${previousVersion}`;
}

/** The version recorded by {@link describeMove}, or undefined for an alias sync-lambdas never moved. */
export function previousVersionOf(description: string | undefined): string | undefined {
  return /^sync-lambdas: previous version (\d+)$/.exec(description ?? '')?.[1];
}
