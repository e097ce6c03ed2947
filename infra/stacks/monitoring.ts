/**
 * What pages the operators, and what they look at. Alarms sit next to what they watch (a function's alarms in
 * its context stack, the API's in the API stack) and publish to the foundation's alarm topic; each alarm's
 * description names the runbook section (docs/operations.md) to follow. The monitoring stack adds the alarms
 * on what the contexts report in their logs (payments left pending, the national-portal backlog, notification
 * failures) and one dashboard per province. Alarms are registered by name in an AlarmBook, so the dashboard
 * lists them without a cross-stack reference per alarm.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ProvinceConfig } from '#platform/province.ts';
import type { FunctionDecl } from '#topology/types.ts';
import { resourceName } from '../naming.ts';

/** Every alarm of a province, by name, with the runbook section it points to. */
export class AlarmBook {
  readonly names: string[] = [];
  readonly province: ProvinceConfig;
  readonly topic: sns.ITopic;

  constructor(province: ProvinceConfig, topic: sns.ITopic) {
    this.province = province;
    this.topic = topic;
  }

  add(
    scope: Construct,
    id: string,
    props: Omit<cloudwatch.AlarmProps, 'alarmName' | 'alarmDescription'> & {
      name: string;
      what: string;
      runbook: string;
    },
  ): cloudwatch.Alarm {
    const { name, what, runbook, ...rest } = props;
    const alarmName = resourceName(this.province.id, name);
    const alarm = new cloudwatch.Alarm(scope, id, {
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...rest,
      alarmName,
      alarmDescription: `${what} See docs/operations.md, "${runbook}".`,
    });
    alarm.addAlarmAction(new cwActions.SnsAction(this.topic));
    alarm.addOkAction(new cwActions.SnsAction(this.topic));
    this.names.push(alarmName);
    return alarm;
  }
}

const FIVE_MINUTES = Duration.minutes(5);

/** The custom metrics of the platform's middlewares (packages/platform/src/http.ts, consumer.ts). */
export const metricsNamespace = (province: ProvinceConfig): string => `motcua/${province.id}`;

/**
 * Lambda errors and throttles of one function, and for HTTP functions the requests they answered with a 5xx
 * (handled failures answer problem+json, so the Lambda Errors metric does not see them).
 */
export function functionAlarms(scope: Construct, book: AlarmBook, decl: FunctionDecl, fn: lambda.IFunction): void {
  book.add(scope, `${decl.name}-errors-alarm`, {
    name: `${decl.name}-errors`,
    what: `${decl.name} failed (threw or timed out) at least 3 times in 5 minutes.`,
    runbook: 'A function fails',
    metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
    threshold: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  });
  book.add(scope, `${decl.name}-throttles-alarm`, {
    name: `${decl.name}-throttles`,
    what: `${decl.name} was throttled in two 5-minute periods in a row (account concurrency exhausted).`,
    runbook: 'Throttles and the concurrency quota',
    metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 2,
  });
  if (decl.kind === 'http') {
    book.add(scope, `${decl.name}-server-errors-alarm`, {
      name: `${decl.name}-server-errors`,
      what: `${decl.name} answered at least 3 requests with a 5xx problem in 5 minutes.`,
      runbook: 'A function fails',
      metric: new cloudwatch.Metric({
        namespace: metricsNamespace(book.province),
        metricName: 'ServerErrors',
        dimensionsMap: { service: decl.name },
        period: FIVE_MINUTES,
        statistic: 'Sum',
      }),
      threshold: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }
}

/** A queue whose oldest message waits an hour: its consumer fails, is starved, or retries an outage. */
export const QUEUE_AGE_ALARM_SECONDS = 3600;

export function queueAgeAlarm(scope: Construct, book: AlarmBook, name: string, queue: sqs.IQueue): void {
  book.add(scope, `${name}-age-alarm`, {
    name: `${name}-oldest-message-age`,
    what: `The oldest message in ${name} has waited more than an hour.`,
    runbook: 'A queue backs up',
    metric: queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
    threshold: QUEUE_AGE_ALARM_SECONDS,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
  });
}

export function dlqDepthAlarm(scope: Construct, book: AlarmBook, name: string, dlq: sqs.IQueue): void {
  book.add(scope, `${name}-alarm`, {
    name: `${name}-not-empty`,
    what: `Messages are waiting in the dead-letter queue ${name}.`,
    runbook: 'Redriving a DLQ',
    metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
  });
}

/**
 * Figures the contexts already log as structured JSON (Powertools logger), turned into metrics by metric
 * filters on their functions' log groups. The log lines are part of those contexts' behaviour, covered by the
 * test of this stack (test/infra) naming the function, message and field each filter reads.
 */
export const LOGGED_FIGURES = [
  {
    metric: 'PaymentsPendingPastExpiry',
    function: 'payments-reconcile',
    message: 'payments reconciled',
    value: '$.checked',
  },
  {
    metric: 'PaymentsSettledByReconciliation',
    function: 'payments-reconcile',
    message: 'payments reconciled',
    value: '$.settled',
  },
  {
    metric: 'PaymentsExpiredByReconciliation',
    function: 'payments-reconcile',
    message: 'payments reconciled',
    value: '$.expired',
  },
  {
    metric: 'NationalSyncOverdue',
    function: 'reporting-sync-sweep',
    message: 'national-portal sync sweep',
    value: '$.overdue',
  },
  {
    metric: 'NationalSyncSweepFailures',
    function: 'reporting-sync-sweep',
    message: 'national-portal sync sweep',
    value: '$.failed',
  },
  {
    metric: 'NotificationsDelivered',
    function: 'notifications-on-event',
    message: 'notification attempt',
    value: '1',
    status: 'delivered',
  },
  {
    metric: 'NotificationsFailed',
    function: 'notifications-on-event',
    message: 'notification attempt',
    value: '1',
    status: 'failed',
  },
  {
    metric: 'EmailsBouncedOrComplained',
    function: 'notifications-on-email-feedback',
    message: 'email feedback',
    value: '1',
    status: 'failed',
  },
  {
    metric: 'ZaloTokenRefreshFailures',
    function: 'notifications-zalo-token-refresh',
    message: 'zalo token refresh',
    value: '1',
    status: 'failed',
  },
] as const;

export interface MonitoringStackProps extends StackProps {
  province: ProvinceConfig;
  book: AlarmBook;
  /** Functions deployed in this province (a filter is only made for a function that exists). */
  deployedFunctions: Set<string>;
  /** Consumer queues and DLQs, by logical name (for the dashboard). */
  queueNames: string[];
  dlqNames: string[];
  apiId: string;
}

export class MonitoringStack extends Stack {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { province, book } = props;
    const namespace = metricsNamespace(province);
    const metric = (metricName: string, statistic = 'Sum', period = FIVE_MINUTES) =>
      new cloudwatch.Metric({ namespace, metricName, period, statistic });

    for (const figure of LOGGED_FIGURES) {
      if (!props.deployedFunctions.has(figure.function)) continue;
      const logGroup = logs.LogGroup.fromLogGroupName(
        this,
        `${figure.metric}-logs`,
        `/aws/lambda/${resourceName(province.id, figure.function)}`,
      );
      const status = 'status' in figure ? ` && $.status = "${figure.status}"` : '';
      new logs.MetricFilter(this, `${figure.metric}-filter`, {
        logGroup,
        filterPattern: logs.FilterPattern.literal(`{ $.message = "${figure.message}"${status} }`),
        metricNamespace: namespace,
        metricName: figure.metric,
        metricValue: figure.value,
        defaultValue: 0,
      });
    }

    // A payment still pending once its expiry is N minutes past: every reconciliation run in those N minutes
    // found it past expiry and could settle or expire none of what it checked.
    const unresolved = new cloudwatch.MathExpression({
      expression: 'checked - settled - expired',
      usingMetrics: {
        checked: metric('PaymentsPendingPastExpiry'),
        settled: metric('PaymentsSettledByReconciliation'),
        expired: metric('PaymentsExpiredByReconciliation'),
      },
      label: 'Payments left pending past expiry',
      period: FIVE_MINUTES,
    });
    book.add(this, 'PaymentsPendingAlarm', {
      name: 'payments-pending-too-long',
      what: `Payments have stayed pending more than ${province.alarms.paymentsPendingMinutes} minutes past their expiry: reconciliation cannot settle them at the gateway.`,
      runbook: 'Payments stay pending',
      metric: unresolved,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: Math.max(1, Math.ceil(province.alarms.paymentsPendingMinutes / 5)),
    });
    book.add(this, 'NationalSyncBacklogAlarm', {
      name: 'national-sync-backlog',
      what: `More than ${province.alarms.nationalSyncBacklog} dossiers are overdue for their push to the national portal.`,
      runbook: 'The national portal sync falls behind',
      metric: metric('NationalSyncOverdue', 'Maximum'),
      threshold: province.alarms.nationalSyncBacklog,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    book.add(this, 'NationalSyncFailuresAlarm', {
      name: 'national-sync-failures',
      what: 'Pushes to the national portal have failed in every sweep for 15 minutes.',
      runbook: 'The national portal sync falls behind',
      metric: metric('NationalSyncSweepFailures'),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });
    // An email SES accepted and then reported bounced or complained about failed as well (absent without email).
    const failureRate = new cloudwatch.MathExpression({
      expression: '100 * (failed + FILL(bounced, 0)) / (failed + delivered)',
      usingMetrics: {
        failed: metric('NotificationsFailed', 'Sum', Duration.hours(1)),
        delivered: metric('NotificationsDelivered', 'Sum', Duration.hours(1)),
        bounced: metric('EmailsBouncedOrComplained', 'Sum', Duration.hours(1)),
      },
      label: 'Notification deliveries failed for good (%)',
      period: Duration.hours(1),
    });
    book.add(this, 'NotificationFailureRateAlarm', {
      name: 'notification-failure-rate',
      what: `More than ${province.alarms.notificationFailureRatePercent}% of notification deliveries failed for good over an hour.`,
      runbook: 'Notifications fail',
      metric: failureRate,
      threshold: province.alarms.notificationFailureRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    if (props.deployedFunctions.has('notifications-zalo-token-refresh')) {
      book.add(this, 'ZaloTokenRefreshAlarm', {
        name: 'zalo-token-refresh-failed',
        what: 'The Zalo OA access token could not be refreshed; ZNS stops when it expires (25 hours after the last refresh).',
        runbook: 'Zalo OA tokens',
        metric: metric('ZaloTokenRefreshFailures', 'Sum', Duration.hours(1)),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    const lambdaSearch = (metricName: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{AWS/Lambda,FunctionName} MetricName="${metricName}" FunctionName="motcua-${province.id}-"', 'Sum', 300)`,
        label,
        period: FIVE_MINUTES,
      });
    const sqsSearch = (metricName: string, names: string[], label: string) =>
      names.map(
        (name) =>
          new cloudwatch.Metric({
            namespace: 'AWS/SQS',
            metricName,
            dimensionsMap: { QueueName: resourceName(province.id, name) },
            period: FIVE_MINUTES,
            statistic: 'Maximum',
            label: `${label} ${name}`,
          }),
      );
    const api = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.apiId, Stage: '$default' },
        period: FIVE_MINUTES,
        statistic,
        label: `${metricName} ${statistic}`,
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: resourceName(province.id, 'operations'),
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# ${province.name.vi} — motcua\nAlarms page ${province.alarms.emails.join(', ')}. Every alarm names its procedure in docs/operations.md.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: book.names.map((name) =>
          cloudwatch.Alarm.fromAlarmArn(
            this,
            `${name}-ref`,
            `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:${name}`,
          ),
        ),
        width: 24,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [api('Count', 'Sum'), api('4xx', 'Sum'), api('5xx', 'Sum')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (ms)',
        left: [api('Latency', 'p50'), api('Latency', 'p99'), api('IntegrationLatency', 'p99')],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Lambda errors', left: [lambdaSearch('Errors', 'Errors')], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Lambda throttles',
        left: [lambdaSearch('Throttles', 'Throttles')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Handled 5xx answers',
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${namespace},service} MetricName="ServerErrors"', 'Sum', 300)`,
            label: 'ServerErrors',
            period: FIVE_MINUTES,
          }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Oldest message age (s)',
        left: sqsSearch('ApproximateAgeOfOldestMessage', props.queueNames, 'age'),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues (messages)',
        left: sqsSearch('ApproximateNumberOfMessagesVisible', props.dlqNames, 'dlq'),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Payments left pending past expiry', left: [unresolved], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'National portal sync',
        left: [metric('NationalSyncOverdue', 'Maximum'), metric('NationalSyncSweepFailures')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Notification failure rate (%)', left: [failureRate], width: 8 }),
    );
  }
}
