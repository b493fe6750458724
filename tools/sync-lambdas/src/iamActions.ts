/**
 * The IAM actions sync-lambdas needs, and nothing else: tools/infra grants exactly these to the GitHub
 * deploy role (its tests compare the two), and the end-to-end tests check that the calls a deploy, a watch
 * and a rollback make against the local fakes are exactly these. `GetFunction` is not among them: the
 * waiter polls `GetFunctionConfiguration`, so the role can never download code. `CreateAlias` is not
 * either: tools/infra creates the alias with the function.
 */
export const deployIamActions = [
  'lambda:GetFunctionConfiguration',
  'lambda:UpdateFunctionCode',
  'lambda:PublishVersion',
  'lambda:GetAlias',
  'lambda:UpdateAlias',
  'lambda:InvokeFunction',
  'cloudwatch:GetMetricData',
] as const;

/** The IAM action an API call needs (`Invoke` -> `lambda:InvokeFunction`, `GetMetricData` -> CloudWatch). */
export function iamActionOf(operation: string): string {
  if (operation === 'Invoke') return 'lambda:InvokeFunction';
  if (operation === 'GetMetricData') return 'cloudwatch:GetMetricData';
  return `lambda:${operation}`;
}
