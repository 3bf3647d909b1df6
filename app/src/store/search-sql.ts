/**
 * The three retrieval queries. All run the same SQL on PGlite and Postgres.
 *
 * - semantic: pgvector cosine distance over the HNSW index (iterative scan keeps filtered queries full);
 * - keyword: Postgres full text, the query's words OR-ed so partial matches still rank (ts_rank_cd);
 * - hybrid: both candidate lists fused by reciprocal rank fusion, score = Σ 1 / (RRF_K + rank).
 */
import type { SqlParam } from "../db/database.js";
import type { SearchFilter } from "../schemas/common.js";
import type { SearchMode } from "../schemas/search.js";

/** The usual RRF constant (Cormack et al.): damps the advantage of the very first ranks. */
export const RRF_K = 60;

export interface SearchQuery {
  mode: SearchMode;
  text: string;
  /** pgvector literal of the query embedding (unused in keyword mode). */
  vector: string;
  k: number;
  tenantId: string;
  filter?: SearchFilter;
  /** Semantic only: bypass the HNSW index (exact nearest neighbours; for recall measurement). */
  exact?: boolean;
}

function columns(alias = ""): string {
  const a = alias ? `${alias}.` : "";
  return `${a}id::text AS chunk_id, ${a}conversation_id, ${a}text, ${a}start_seq, ${a}end_seq, ${a}created_at`;
}

/** OR of the query's lexemes, so one matching word is enough to be a keyword candidate. */
const tsquery = (text: string) =>
  `CAST(replace(plainto_tsquery('english', ${text}::text)::text, '&', '|') AS tsquery)`;

class Params {
  readonly values: SqlParam[] = [];
  add(value: SqlParam): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function where(query: SearchQuery, p: Params): string {
  const f = query.filter ?? {};
  const parts = [`tenant_id = ${p.add(query.tenantId)}`];
  if (f.conversation_id) parts.push(`conversation_id = ${p.add(f.conversation_id)}`);
  if (f.user_id) parts.push(`user_id = ${p.add(f.user_id)}`);
  if (f.role) parts.push(`${p.add(f.role)} = ANY(roles)`);
  if (f.since) parts.push(`created_at >= ${p.add(f.since)}::timestamptz`);
  if (f.until) parts.push(`created_at <= ${p.add(f.until)}::timestamptz`);
  return parts.join(" AND ");
}

/** Builds the SQL and parameters for one search (only the parameters it uses: Postgres must type each). */
export function buildSearch(query: SearchQuery): { sql: string; params: SqlParam[] } {
  const p = new Params();
  const filter = where(query, p);
  const k = p.add(query.k);
  if (query.mode === "semantic") {
    const v = `${p.add(query.vector)}::vector`;
    const order = query.exact ? `((embedding <=> ${v}) + 0)` : `(embedding <=> ${v})`;
    return {
      sql: `SELECT ${columns()}, (1 - (embedding <=> ${v}))::float8 AS score
            FROM chunks WHERE ${filter} ORDER BY ${order} LIMIT ${k}`,
      params: p.values,
    };
  }
  const text = p.add(query.text);
  if (query.mode === "keyword") {
    return {
      sql: `SELECT ${columns()}, ts_rank_cd(tsv, q)::float8 AS score
            FROM chunks, ${tsquery(text)} AS q WHERE tsv @@ q AND ${filter}
            ORDER BY score DESC, id LIMIT ${k}`,
      params: p.values,
    };
  }
  const v = `${p.add(query.vector)}::vector`;
  const candidates = p.add(Math.max(query.k * 4, 40));
  return {
    sql: `WITH sem AS MATERIALIZED (
              SELECT id, embedding <=> ${v} AS distance FROM chunks WHERE ${filter}
              ORDER BY embedding <=> ${v} LIMIT ${candidates}),
            sem_ranked AS (SELECT id, row_number() OVER (ORDER BY distance, id) AS r FROM sem),
            kw AS (
              SELECT id, ts_rank_cd(tsv, q) AS rank
              FROM chunks, ${tsquery(text)} AS q WHERE tsv @@ q AND ${filter}
              ORDER BY rank DESC, id LIMIT ${candidates}),
            kw_ranked AS (SELECT id, row_number() OVER (ORDER BY rank DESC, id) AS r FROM kw),
            fused AS (
              SELECT coalesce(s.id, w.id) AS id,
                     (coalesce(1.0 / (${RRF_K} + s.r), 0) + coalesce(1.0 / (${RRF_K} + w.r), 0))::float8 AS score
              FROM sem_ranked s FULL OUTER JOIN kw_ranked w ON s.id = w.id)
          SELECT ${columns("c")}, f.score
          FROM fused f JOIN chunks c ON c.id = f.id
          ORDER BY f.score DESC, c.id LIMIT ${k}`,
    params: p.values,
  };
}
