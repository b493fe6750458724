import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';

/** The package whose default chain is replaced, as the AWS SDK clients import it. */
const defaultChainPackage = '@aws-sdk/credential-provider-node';
const namespace = 'env-credentials-only';
/** Marks the plugin's own look-up of the real package, so the hook lets esbuild answer it. */
const resolvingReal = Symbol('resolving the real default chain');
const replacementFile = join(import.meta.dirname, 'envCredentialProvider.ts');

/**
 * esbuild plugin: bundles `envCredentialProvider.ts` wherever an AWS SDK client imports
 * `@aws-sdk/credential-provider-node`. The default chain (env, SSO, ini, process, web identity, HTTP,
 * IMDS) pulls in the STS/SSO/sign-in clients (`@aws-sdk/nested-clients`, ~58 KB minified) that a Lambda
 * never uses, since Lambda always puts the execution role's credentials in the environment.
 *
 * Risk: a bundle built with this plugin finds no credentials from a profile, SSO, a web identity token
 * or the instance metadata service. It fails with `noEnvironmentCredentials` instead, so use it only for
 * code that runs on Lambda or with `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` set (the local stack sets them).
 */
export function envCredentialsOnly(): Plugin {
  return {
    name: namespace,
    setup(build) {
      build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, async (args) => {
        if (args.pluginData === resolvingReal) return undefined;
        // Resolve the real package first: its directory is where the replacement's own imports
        // (@aws-sdk/credential-provider-env, @smithy/core) resolve, so they get the versions the real
        // default chain would have used, not whatever the workspace root happens to hoist.
        const real = await build.resolve(defaultChainPackage, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: resolvingReal,
        });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: real.path, namespace };
      });
      build.onLoad({ filter: /.*/, namespace }, async ({ path }) => ({
        contents: await readFile(replacementFile, 'utf8'),
        loader: 'ts',
        resolveDir: dirname(path),
      }));
    },
  };
}
