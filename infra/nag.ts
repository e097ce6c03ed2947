/**
 * Acknowledging cdk-nag's IAM wildcard findings one by one, each with its reason. A finding is only
 * acknowledged when it matches one of the patterns below, so a new wildcard grant fails the nag test
 * until someone explains it here.
 */
import { Aspects, CfnResource, type IAspect, type Stack, Validations } from 'aws-cdk-lib';
import { rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';

const ACCEPTED_WILDCARDS: { pattern: RegExp; reason: string }[] = [
  { pattern: /^Resource::\*$/, reason: 'X-Ray trace writes and SMS publishing have no resource ARN to scope to.' },
  { pattern: /^Resource::<[^>]+>\/index\/\*$/, reason: "Queries on the indexes of this context's own table." },
  {
    pattern: /^Resource::<[^>]+>\/([a-z-]+\/)?\*$/,
    reason: "Objects of this context's own bucket (or one prefix of it).",
  },
  {
    pattern:
      /^Resource::arn:aws:events:[^:]+:(<AWS::AccountId>|\d{12}):rule\/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3\*$/,
    reason: 'The EventBridge rules GuardDuty Malware Protection manages for itself carry a name prefix it chooses.',
  },
  {
    pattern: /^Resource::arn:<AWS::Partition>:secretsmanager:.*-\?\?\?\?\?\?$/,
    reason: 'Secrets Manager appends a random suffix to secret ARNs.',
  },
  {
    pattern: /^Resource::arn:aws:ses:.*:identity\/\*$/,
    reason: 'SES identities, restricted by a condition on the From address.',
  },
  {
    pattern: /^Action::s3:(GetObject|GetBucket|List|Abort|DeleteObject|PutObject)\*$/,
    reason: 'CDK bucket grants (read/write of this context’s own bucket).',
  },
  {
    pattern: /^Action::kms:(ReEncrypt|GenerateDataKey)\*$/,
    reason: 'CDK grants for the bus key, needed to send/receive on encrypted queues and topics.',
  },
];

class AcknowledgeAcceptedWildcards implements IAspect {
  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== 'AWS::IAM::Policy') return;
    const findings = rules.iam.IAMNoWildcardPermissions(node);
    if (!Array.isArray(findings)) return;
    for (const finding of findings) {
      const accepted = ACCEPTED_WILDCARDS.find((a) => a.pattern.test(finding));
      if (accepted) Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: accepted.reason });
    }
  }
}

export function acknowledgeStandardFindings(stack: Stack): void {
  Validations.of(stack).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'AWSLambdaBasicExecutionRole only allows a function to write its own CloudWatch Logs.',
  });
  Aspects.of(stack).add(new AcknowledgeAcceptedWildcards());
}
