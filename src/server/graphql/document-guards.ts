import { GraphQLError, Kind, type ASTVisitor, type DocumentNode, type ValidationContext } from 'graphql';

/** Limits on a GraphQL document, checked before anything runs (GitLab's are 10,000 characters and complexity 250). */
export const DOCUMENT_LIMITS = {
  /** characters of the query text */
  maxDocumentChars: 10_000,
  /** nesting of selections */
  maxDepth: 10,
  /** fields selected, each analytics field (one ClickHouse query) counting ANALYTICS_FIELD_COST */
  maxCost: 250,
} as const;

/** Fields that each run a ClickHouse query. */
const ANALYTICS_FIELDS: ReadonlySet<string> = new Set(['jobAnalytics', 'aggregate', 'timeSeries', 'values', 'columns']);
const ANALYTICS_FIELD_COST = 25;

/** Refuses a document whose cost is above `maxCost`: 1 per field, 25 per analytics field. */
export function costLimitRule(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => {
    let cost = 0;
    let reported = false;
    return {
      Field(node) {
        cost += ANALYTICS_FIELDS.has(node.name.value) ? ANALYTICS_FIELD_COST : 1;
        if (cost > maxCost && !reported) {
          reported = true;
          context.reportError(
            new GraphQLError(
              `query is too complex: cost above ${maxCost} (1 per field, ${ANALYTICS_FIELD_COST} per analytics field); split it into several requests`,
              {
                extensions: { code: 'TOO_COMPLEX' },
              },
            ),
          );
        }
      },
    };
  };
}

/** Refuses a query text above the limit before it is parsed (HTTP 400, as mercurius's own validation errors). */
export function checkDocumentSize(source: string): void {
  if (source.length > DOCUMENT_LIMITS.maxDocumentChars) {
    const message = `query is too large: ${source.length} characters; at most ${DOCUMENT_LIMITS.maxDocumentChars} are allowed`;
    // mercurius answers a hook's error with the status of its originalError
    throw new GraphQLError(message, {
      extensions: { code: 'TOO_LARGE' },
      originalError: Object.assign(new Error(message), { statusCode: 400 }),
    });
  }
}

/**
 * Seed 002's example document declares `$query: AnalyticsQuery` while its schema names the input
 * `AnalyticsQueryInput`. So that document runs unchanged, a variable declared with the type name
 * `AnalyticsQuery` is read as `AnalyticsQueryInput` (the document is rewritten in place before
 * validation; nothing else changes).
 */
export function acceptSeedVariableType(document: DocumentNode): void {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      let type = variable.type as { kind: Kind; name?: { value: string }; type?: unknown };
      while (type.kind !== Kind.NAMED_TYPE) type = type.type as typeof type;
      if (type.name?.value === 'AnalyticsQuery') (type.name as { value: string }).value = 'AnalyticsQueryInput';
    }
  }
}
