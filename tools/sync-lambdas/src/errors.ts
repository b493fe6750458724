/**
 * Every failure sync-lambdas raises on purpose derives from {@link SyncError}, so the CLI can print a
 * one-line reason for known problems and a stack only for bugs. Messages never contain a token or a
 * credential: callers pass names, ARNs and account ids, nothing secret.
 */
export class SyncError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SyncError';
  }
}

/** A command-line option that is missing, malformed or contradicts another. */
export class UsageError extends SyncError {
  readonly option: string;
  constructor(option: string, message: string) {
    super(`${option} ${message}`);
    this.name = 'UsageError';
    this.option = option;
  }
}

/** GitHub's OIDC token endpoint could not be reached or did not answer a token. */
export class OidcTokenError extends SyncError {
  constructor(message: string, options?: ErrorOptions) {
    super(`GitHub OIDC token: ${message}`, options);
    this.name = 'OidcTokenError';
  }
}

/** STS refused the web identity, or answered without credentials. */
export class AssumeRoleError extends SyncError {
  readonly roleArn: string;
  constructor(roleArn: string, message: string, options?: ErrorOptions) {
    super(`cannot assume ${roleArn}: ${message}`, options);
    this.name = 'AssumeRoleError';
    this.roleArn = roleArn;
  }
}

/** The credentials belong to an account that `--allowed-account-ids` does not list. */
export class AccountNotAllowedError extends SyncError {
  readonly account: string;
  constructor(account: string, allowed: readonly string[]) {
    super(
      `credentials belong to account ${account}, which is not in --allowed-account-ids (${allowed.join(', ')})`,
    );
    this.name = 'AccountNotAllowedError';
    this.account = account;
  }
}

/** A requested function that cannot be deployed: not a directory under apps/, or no built zip. */
export class RefusedFunctionError extends SyncError {
  readonly functionName: string;
  constructor(functionName: string, reason: string) {
    super(`refusing to deploy ${JSON.stringify(functionName)}: ${reason}`);
    this.name = 'RefusedFunctionError';
    this.functionName = functionName;
  }
}

/** The Lambda function of an app does not exist in the target account and region. */
export class FunctionNotFoundError extends SyncError {
  readonly functionName: string;
  constructor(functionName: string, region: string, options?: ErrorOptions) {
    super(
      `Lambda function ${functionName} does not exist in ${region} (create it with tools/infra first)`,
      options,
    );
    this.name = 'FunctionNotFoundError';
    this.functionName = functionName;
  }
}

/** Lambda reports the code update as failed (`LastUpdateStatus: Failed`) or it never finished. */
export class UpdateFailedError extends SyncError {
  readonly functionName: string;
  constructor(functionName: string, message: string, options?: ErrorOptions) {
    super(`${functionName}: ${message}`, options);
    this.name = 'UpdateFailedError';
    this.functionName = functionName;
  }
}

/** The function has no such alias: tools/infra creates `live` with the function, pointing at version 1. */
export class AliasNotFoundError extends SyncError {
  readonly functionName: string;
  constructor(functionName: string, alias: string, options?: ErrorOptions) {
    super(
      `${functionName} has no alias ${alias} (tools/infra creates it with the function; deploy the stack first)`,
      options,
    );
    this.name = 'AliasNotFoundError';
    this.functionName = functionName;
  }
}

/** A rollback was asked of an alias that records no version it served before. */
export class NoPreviousVersionError extends SyncError {
  readonly functionName: string;
  constructor(functionName: string, alias: string, version: string) {
    super(
      `${functionName}:${alias} serves version ${version} and records no version before it: nothing to roll back to`,
    );
    this.name = 'NoPreviousVersionError';
    this.functionName = functionName;
  }
}
