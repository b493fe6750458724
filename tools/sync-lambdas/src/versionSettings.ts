import type { FunctionConfiguration } from '@aws-sdk/client-lambda';

/**
 * The settings a published version freezes besides its code. A `cdk deploy` that changes one of them (an
 * environment variable, the memory) changes `$LATEST` only; comparing these with the alias's version tells
 * a deploy to publish them even when the code is the same.
 */
export function versionSettings(configuration: FunctionConfiguration): string {
  return JSON.stringify([
    configuration.Runtime,
    configuration.Handler,
    configuration.Role,
    configuration.Timeout,
    configuration.MemorySize,
    configuration.Architectures,
    sortedEntries(configuration.Environment?.Variables),
    configuration.Layers?.map((layer) => layer.Arn),
    configuration.EphemeralStorage?.Size,
    configuration.TracingConfig?.Mode,
    configuration.DeadLetterConfig?.TargetArn,
    configuration.VpcConfig?.SubnetIds,
    configuration.VpcConfig?.SecurityGroupIds,
    configuration.KMSKeyArn,
    configuration.LoggingConfig,
  ]);
}

function sortedEntries(variables: Record<string, string> | undefined) {
  return variables === undefined
    ? undefined
    : Object.entries(variables).sort(([a], [b]) => a.localeCompare(b));
}
