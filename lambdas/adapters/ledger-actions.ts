/**
 * The DynamoDB API actions each side of the event ledger (`event-ledger.ts`) calls on the
 * idempotency table. The stack grants each function exactly these (`IdempotencyTable.grantLedgerAccess`),
 * and `test/lib/webhook-stack.test.ts` runs both handlers against the local stand-ins and checks
 * every call they make against the roles the stack synthesizes. Kept apart from the ledger so that
 * synth does not load the DynamoDB client.
 */
export const LEDGER_DYNAMODB_ACTIONS = {
  /** `accept`: the conditional PutItem, the GetItem of a delivery that finds the event in flight, the DeleteItem that releases an event it could not enqueue; Mailgun's signature binding is a PutItem. */
  verifier: ['PutItem', 'GetItem', 'DeleteItem'],
  /** `publishBatchOnce`: one consistent BatchGetItem before publishing, one BatchWriteItem after. */
  processor: ['BatchGetItem', 'BatchWriteItem'],
} as const satisfies Record<'verifier' | 'processor', readonly string[]>;

export type LedgerSide = keyof typeof LEDGER_DYNAMODB_ACTIONS;
