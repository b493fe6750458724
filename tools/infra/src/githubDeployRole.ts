import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { deployRoleActions } from './permissions.js';

/** GitHub's OIDC issuer (without scheme, as IAM condition keys use it) and the audience STS expects. */
export const githubOidc = {
  issuer: 'token.actions.githubusercontent.com',
  audience: 'sts.amazonaws.com',
} as const;

/** Which repository and branch may deploy. */
export interface GithubDeployRoleProps {
  /** `owner/repo`, exactly as GitHub spells it: IAM matches the `sub` claim case-sensitively. */
  repository: string;
  branch: string;
  functions: readonly lambda.IFunction[];
  /** An account holds one provider per issuer: pass its ARN when it already exists. */
  existingProviderArn?: string;
}

/**
 * The GitHub OIDC provider and the role the deploy workflow assumes: trusted only for pushes to one branch
 * of one repository, allowed only the Lambda calls tools/sync-lambdas makes, on these functions only.
 */
export class GithubDeployRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: GithubDeployRoleProps) {
    super(scope, id);
    if (!/^[\w.-]+\/[\w.-]+$/.test(props.repository))
      throw new Error(`repository must be owner/repo, got ${props.repository}`);
    if (!/^[\w./-]+$/.test(props.branch))
      throw new Error(`branch has unexpected characters: ${props.branch}`);
    const providerArn =
      props.existingProviderArn ??
      new iam.OidcProviderNative(this, 'Provider', {
        url: `https://${githubOidc.issuer}`,
        clientIds: [githubOidc.audience],
      }).oidcProviderArn;
    this.role = new iam.Role(this, 'Role', {
      description: `Deploys Lambda code from ${props.repository}@${props.branch} (GitHub OIDC)`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(providerArn, {
        StringEquals: {
          [`${githubOidc.issuer}:aud`]: githubOidc.audience,
          [`${githubOidc.issuer}:sub`]: `repo:${props.repository}:ref:refs/heads/${props.branch}`,
        },
      }),
    });
    // Qualified ARNs (`:alias`, `:version`) are listed too: alias and version calls may name them.
    const resources = props.functions.flatMap((fn) => [fn.functionArn, `${fn.functionArn}:*`]);
    this.role.addToPolicy(new iam.PolicyStatement({ actions: [...deployRoleActions], resources }));
  }
}
