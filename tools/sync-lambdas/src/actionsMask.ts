/** Registers a secret with the Actions runner so it is replaced by `***` in every log line. */
export type MaskSecret = (secret: string) => void;

/**
 * Builds the mask function: inside GitHub Actions (`GITHUB_ACTIONS=true`) it writes the `::add-mask::`
 * workflow command, which the runner consumes and never shows; elsewhere it does nothing, since nothing
 * is logged that a mask would have to hide.
 */
export function createMaskSecret(env: NodeJS.ProcessEnv, write: (line: string) => void): MaskSecret {
  if (env.GITHUB_ACTIONS !== 'true') return () => undefined;
  return (secret) => {
    // A multi-line value must be masked line by line, or the runner only hides the first line.
    for (const line of secret.split(/\r?\n/)) {
      if (line.trim() !== '') write(`::add-mask::${line}\n`);
    }
  };
}
