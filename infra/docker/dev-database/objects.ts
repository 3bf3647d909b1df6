/**
 * The readiness test of the Postgres container. Over TCP: during first-start initdb the entrypoint
 * runs a socket-only server, which a plain pg_isready would report ready before the real server listens.
 */
export function pgIsReady(user: string, database: string): string[] {
  return ["CMD-SHELL", `pg_isready -U ${user} -d ${database} -h 127.0.0.1`];
}

/** Healthcheck timing: checks every 5 s, unhealthy after 10 failures, 10 s grace for initdb. */
export const POSTGRES_HEALTHCHECK_TIMING = {
  interval: "5s",
  timeout: "5s",
  retries: 10,
  startPeriod: "10s",
} as const;
