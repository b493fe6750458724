import { AccountNotAllowedError, AssumeRoleError } from './errors.js';

/** The account id inside an STS or IAM ARN (`arn:aws:sts::123456789012:assumed-role/deploy/run-1`). */
export function accountOfArn(arn: string): string {
  const match = /^arn:aws[\w-]*:(?:sts|iam)::(\d{12}):/.exec(arn);
  if (match?.[1] === undefined)
    throw new AssumeRoleError(arn, 'STS answered an identity ARN without an account id');
  return match[1];
}

/** Stops a deploy to an account the caller did not name; checked before any function is touched. */
export function assertAccountAllowed(account: string, allowed: readonly string[]): void {
  if (!allowed.includes(account)) throw new AccountNotAllowedError(account, allowed);
}
