import { createAwsClients, type AwsClients } from '../../lambdas/adapters/aws-clients';

/**
 * Fault injection at the SDK's own middleware stack: the real client, the real wire protocol to
 * the stand-ins, and a chosen call made to fail — before it is sent ("the service is down") or after
 * the service carried it out ("the response was lost": the ambiguous failure). Faults sit at the
 * `initialize` step, outside the SDK's retries, so one fault is one failed SDK call.
 */
export type Service = 'DynamoDB' | 'SQS' | 'SNS' | 'S3' | 'SecretsManager';

export interface Fault {
  readonly service: Service;
  /** SDK command name without the `Command` suffix, e.g. `PutItem`, `SendMessage`, `Publish`. */
  readonly command: string;
  /** How many matching calls fail. @default Infinity */
  readonly times?: number;
  /** `before`: the call never reaches the service. `after`: it does, then the caller sees an error. @default 'before' */
  readonly when?: 'before' | 'after';
}

export class InjectedFault extends Error {
  public readonly $metadata = { httpStatusCode: 503 };
  public constructor(service: string, command: string, when: string) {
    super(`Injected fault: ${service}.${command} (${when})`);
    this.name = 'ServiceUnavailable';
  }
}

export class FaultPlan {
  readonly #faults: Array<Fault & { remaining: number }> = [];
  readonly #calls = new Map<string, number>();

  public add(fault: Fault): this {
    this.#faults.push({ ...fault, remaining: fault.times ?? Infinity });
    return this;
  }

  public clear(): void {
    this.#faults.length = 0;
  }

  /** How many times `service.command` was called (failed calls included). */
  public calls(service: Service, command: string): number {
    return this.#calls.get(`${service}.${command}`) ?? 0;
  }

  /** Called by the middleware: the fault to apply to this call, if any. */
  public take(service: Service, command: string): Fault | undefined {
    const key = `${service}.${command}`;
    this.#calls.set(key, (this.#calls.get(key) ?? 0) + 1);
    const fault = this.#faults.find((f) => f.service === service && f.command === command && f.remaining > 0);
    if (fault) fault.remaining -= 1;
    return fault;
  }
}

const SERVICE_OF_CLIENT: Record<string, Service> = {
  DynamoDBClient: 'DynamoDB',
  SQSClient: 'SQS',
  SNSClient: 'SNS',
  S3Client: 'S3',
  SecretsManagerClient: 'SecretsManager',
};

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** Adds the plan's faults to one real SDK client (its own middleware stack); returns the client. */
export function injectFaults<T>(client: T, plan: FaultPlan): T {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      const service = SERVICE_OF_CLIENT[context.clientName ?? ''] ?? 'SQS';
      const command = (context.commandName ?? '').replace(/Command$/, '');
      const fault = plan.take(service, command);
      if (fault && (fault.when ?? 'before') === 'before') throw new InjectedFault(service, command, 'before');
      const result = await next(args);
      if (fault) throw new InjectedFault(service, command, 'after');
      return result;
    },
    { step: 'initialize', name: 'hookrelayFaultInjection' },
  );
  return client;
}

/** Real SDK clients with the plan's faults injected. */
export function faultyClients(plan: FaultPlan): AwsClients {
  const base = createAwsClients({ maxAttempts: 1 });
  const cache = new Map<keyof AwsClients, unknown>();
  const get = <K extends keyof AwsClients>(key: K): AwsClients[K] => {
    if (!cache.has(key)) cache.set(key, injectFaults(base[key], plan));
    return cache.get(key) as AwsClients[K];
  };
  return {
    get dynamodb() {
      return get('dynamodb');
    },
    get sqs() {
      return get('sqs');
    },
    get sns() {
      return get('sns');
    },
    get s3() {
      return get('s3');
    },
    get secretsManager() {
      return get('secretsManager');
    },
  };
}
