/**
 * The three retrieval queries. All run the same SQL on PGlite and Postgres.
 *
 * - semantic: pgvector cosine distance over the HNSW index (iterative scan keeps filtered queries full);
 * - keyword: Postgres full text, the query's words OR-ed so partial matches still rank (ts_rank_cd);
 * - hybrid: both candidate lists fused by reciprocal rank fusion, score = Σ 1 / (RRF_K + rank). The
 *   keyword list ranks a bounded pool, not every match (see {@link KEYWORD_POOL}).
 */
import type { SqlParam } from "../db/database.js";
import type { SearchFilter } from "../schemas/common.js";
import type { SearchMode } from "../schemas/search.js";

/** The usual RRF constant (Cormack et al.): damps the advantage of the very first ranks. */
export const RRF_K = 60;

/**
 * Most keyword matches a hybrid search ranks. Ranking every OR match (`ts_rank_cd` reads each
 * match's tsvector) grows with the corpus: 228 ms at 100k chunks against 7 ms for the vector side
 * (docs/benchmarks.md). The pool is chosen through the GIN index before anything is ranked (see
 * `boundedKeywords`).
 */
export const KEYWORD_POOL = 1000;

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
  /** Hybrid only: rank every keyword match instead of the bounded pool (the old plan; for recall measurement). */
  exhaustiveKeywords?: boolean;
  /** Hybrid only: the pool size, {@link KEYWORD_POOL} unless a test scales it to a small corpus. */
  keywordPool?: number;
  /**
   * The relevance floor (SEARCH_MIN_SCORE): the least cosine similarity a chunk needs to be returned
   * for its meaning alone. Semantic search returns only chunks at or above it; hybrid search only
   * chunks at or above it or matching a word of the query. Keyword search matches words by nature.
   * Applied after the nearest-neighbour LIMIT, so the index plan is the same with or without it.
   */
  minScore?: number;
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
  // Added only where used: Postgres must type every parameter it is sent.
  const addFloor = () => (query.minScore ? `${p.add(query.minScore)}::float8` : undefined);
  if (query.mode === "semantic") {
    const v = `${p.add(query.vector)}::vector`;
    const floor = addFloor();
    const order = query.exact ? `((embedding <=> ${v}) + 0)` : `(embedding <=> ${v})`;
    const nearest = `SELECT ${columns()}, (1 - (embedding <=> ${v}))::float8 AS score
            FROM chunks WHERE ${filter} ORDER BY ${order} LIMIT ${k}`;
    return {
      sql: floor ? `SELECT * FROM (${nearest}) nearest WHERE score >= ${floor}` : nearest,
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
  const floor = addFloor();
  const candidates = p.add(Math.max(query.k * 4, 40));
  const kw = query.exhaustiveKeywords
    ? `kw AS (
              SELECT id, ts_rank_cd(tsv, q) AS rank
              FROM chunks, ${tsquery(text)} AS q WHERE tsv @@ q AND ${filter}
              ORDER BY rank DESC, id LIMIT ${candidates})`
    : boundedKeywords(text, filter, candidates, p.add(query.keywordPool ?? KEYWORD_POOL));
  return {
    sql: `WITH sem AS MATERIALIZED (
              SELECT id, embedding <=> ${v} AS distance FROM chunks WHERE ${filter}
              ORDER BY embedding <=> ${v} LIMIT ${candidates}),
            sem_ranked AS (SELECT id, row_number() OVER (ORDER BY distance, id) AS r FROM sem${floor ? ` WHERE 1 - distance >= ${floor}` : ""}),
            ${kw},
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

/**
 * The keyword candidates of a hybrid search, ranked by the same `ts_rank_cd` over the same OR query
 * as keyword mode, but only within a pool of at most `pool` chunks found through the GIN index.
 *
 * The pool holds the chunks matching the query's rarest words: words are taken rarest first (by
 * the planner's own statistics, `pg_stats.most_common_elems` of `tsv`, scaled by `reltuples`) while
 * their estimated matches fit in the pool, and always at least one. A word so common that it alone
 * would overflow the pool adds little to the top of the ranking and is left to rank, not to select.
 * Only when that pool is smaller than `candidates` is it widened to chunks with any of the words.
 * Words missing from the statistics are rarer than every word in them (or never analyzed) and come
 * first. The subqueries are InitPlans, so both `@@` tests are index conditions, and the widening
 * scan is skipped (one-time filter) when the first pool suffices.
 */
function boundedKeywords(text: string, filter: string, candidates: string, pool: string): string {
  // plainto_tsquery's output is `'a' & 'b' & …` with every lexeme quoted by Postgres itself, so its
  // operands can be recombined without re-quoting (the OR query above relies on the same form).
  return `kw_stats AS MATERIALIZED (
              SELECT e.lexeme, e.freq
              FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, freq)
              WHERE s.schemaname = current_schema() AND s.tablename = 'chunks' AND s.attname = 'tsv'),
            kw_terms AS MATERIALIZED (
              SELECT t.term, coalesce(e.freq, 0) * greatest(
                       (SELECT reltuples FROM pg_class WHERE oid = 'chunks'::regclass), 0) AS docs
              FROM (SELECT DISTINCT term
                    FROM unnest(string_to_array(plainto_tsquery('english', ${text}::text)::text, ' & ')) AS term) t
              LEFT JOIN kw_stats e ON e.lexeme = replace(substr(t.term, 2, length(t.term) - 2), '''''', '''')),
            kw_query AS MATERIALIZED (
              SELECT ${tsquery(text)} AS any_word,
                     (SELECT string_agg(r.term, ' | ')::tsquery FROM (
                        SELECT term, row_number() OVER w AS n, sum(docs) OVER w AS running
                        FROM kw_terms WINDOW w AS (ORDER BY docs, term)) r
                      WHERE r.n = 1 OR r.running <= ${pool}) AS rare_words),
            kw_pool AS MATERIALIZED (
              SELECT id, ts_rank_cd(tsv, (SELECT any_word FROM kw_query)) AS rank FROM chunks
              WHERE tsv @@ (SELECT rare_words FROM kw_query) AND ${filter} LIMIT ${pool}),
            kw_wide AS MATERIALIZED (
              SELECT id, ts_rank_cd(tsv, (SELECT any_word FROM kw_query)) AS rank FROM chunks
              WHERE (SELECT count(*) FROM kw_pool) < ${candidates}
                AND tsv @@ (SELECT any_word FROM kw_query) AND ${filter} LIMIT ${pool}),
            kw AS (
              SELECT id, rank FROM (SELECT * FROM kw_pool UNION SELECT * FROM kw_wide) u
              ORDER BY rank DESC, id LIMIT ${candidates})`;
}
