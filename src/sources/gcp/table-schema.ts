import type { BigQuery } from "@google-cloud/bigquery";
import { z } from "zod";
import { ProviderError } from "../../errors.js";
import { checkAnswer } from "../../net/answer-shape.js";
import type { HttpPolicy } from "../../net/http-policy.js";
import { CallAttempts } from "./attempts.js";
import { call } from "./bigquery-client.js";
import { isTransientBigQueryError } from "./errors.js";
import type { GcpTableName } from "./table-name.js";

/**
 * The parts of a tables.get answer this tool reads: the columns with their types (a view has them too) and how the
 * table is partitioned. A column of mode REPEATED is an array whatever its type.
 */
const TableAnswer = z.object({
  type: z.string().optional(),
  schema: z.object({ fields: z.array(z.object({ name: z.string().min(1), type: z.string(), mode: z.string().optional() }).passthrough()) }).passthrough(),
  timePartitioning: z.object({ type: z.string(), field: z.string().optional() }).passthrough().optional(),
});

export interface TableColumn {
  name: string;
  /** BigQuery's type name (STRING, TIMESTAMP, NUMERIC, JSON, RECORD…); `ARRAY` for a repeated column. */
  type: string;
}

export interface TableSchema {
  /** TABLE, VIEW, MATERIALIZED_VIEW, EXTERNAL… */
  kind: string;
  columns: TableColumn[];
  /** The column the table is partitioned on, null for ingestion-time partitions, undefined when not partitioned. */
  partitionColumn: string | null | undefined;
  requests: Record<string, number>;
}

const ownsTablesGet = (path: string): boolean => /\/datasets\/[^/]+\/tables\/[^/?]+(\?|$)/.test(path);

/**
 * The table's columns and partitioning from tables.get: free (no query job), one request, bounded and repeated like
 * the queries. It needs bigquery.tables.get on the table (BigQuery Data Viewer or Metadata Viewer).
 */
export async function tableSchema(client: BigQuery, name: GcpTableName, http: HttpPolicy, signal: AbortSignal): Promise<TableSchema> {
  const requests: Record<string, number> = {};
  const attempts = new CallAttempts({ http, signal, isTransient: isTransientBigQueryError, owns: ownsTablesGet });
  try {
    const body = await attempts.run(async () => {
      requests["tables.get"] = (requests["tables.get"] ?? 0) + 1;
      const uri = `/datasets/${encodeURIComponent(name.dataset)}/tables/${encodeURIComponent(name.table)}`;
      return call(client, { uri, projectId: name.project } as Parameters<typeof call>[1]);
    });
    const answer = checkAnswer(TableAnswer, body);
    if (!answer.ok) throw new ProviderError("gcp", `BigQuery answered tables.get with HTTP 200 and a body that is not a table (${answer.why})`);
    const { type, schema, timePartitioning } = answer.data;
    return {
      kind: type ?? "TABLE",
      columns: schema.fields.map((f) => ({ name: f.name, type: f.mode === "REPEATED" ? "ARRAY" : f.type.toUpperCase() })),
      partitionColumn: timePartitioning ? (timePartitioning.field ?? null) : undefined,
      requests,
    };
  } finally {
    attempts.close();
  }
}
