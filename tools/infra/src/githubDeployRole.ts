import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { deployRolePermissions } from './permissions.js';

/** GitHub's OIDC issuer (without scheme, as IAM condition keys use it) and the audience STS expects. */
export const githubOidc = {
  issuer: 'token.actions.githubusercontent.com',
  audience: 'sts.amazonaws.com',
} as const;

/** Which repository and GitHub environment may deploy, and what. */
export interface GithubDeployRoleProps {
  /** `owner/repo`, exactly as GitHub spells it: IAM matches the `sub` claim case-sensitively. */
  repository: string;
  /**
   * The protected GitHub environment the deploy job declares (`environment: production`): its token's `sub`
   * is `repo:OWNER/REPO:environment:NAME`, and its deployment branch rule decides which branch may deploy.
   */
  environment: string;
  functions: readonly lambda.IFunction[];
  /** An account holds one provider per issuer: pass its ARN when it already exists. */
  existingProviderArn?: string;
}

/**
 * The GitHub OIDC provider and the role the deploy workflow assumes: trusted only for jobs of one repository
 * running in one protected environment, allowed only the calls tools/sync-lambdas makes, on these functions
 * only (and the metric read, which IAM cannot narrow).
 */
export class GithubDeployRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: GithubDeployRoleProps) {
    super(scope, id);
    if (!/^[\w.-]+\/[\w.-]+$/.test(props.repository))
      throw new Error(`repository must be owner/repo, got ${props.repository}`);
    if (!/^[\w. -]+$/.test(props.environment))
      throw new Error(`environment has unexpected characters: ${props.environment}`);
    const providerArn =
      props.existingProviderArn ??
      new iam.OidcProviderNative(this, 'Provider', {
        url: `https://${githubOidc.issuer}`,
        clientIds: [githubOidc.audience],
      }).oidcProviderArn;
    this.role = new iam.Role(this, 'Role', {
      description: `Deploys Lambda code from ${props.repository}, environment ${props.environment} (GitHub OIDC)`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(providerArn, {
        StringEquals: {
          [`${githubOidc.issuer}:aud`]: githubOidc.audience,
          [`${githubOidc.issuer}:sub`]: `repo:${props.repository}:environment:${props.environment}`,
        },
      }),
    });
    const unqualified = props.functions.map((fn) => fn.functionArn);
    const qualified = props.functions.map((fn) => `${fn.functionArn}:*`);
    const grant = (actions: readonly string[], resources: string[]) =>
      this.role.addToPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
    grant(deployRolePermissions.unqualified, unqualified);
    grant(deployRolePermissions.functionAndQualified, [...unqualified, ...qualified]);
    grant(deployRolePermissions.qualified, qualified);
    grant(deployRolePermissions.anyMetric, ['*']);
  }
}
