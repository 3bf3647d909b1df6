/** Where {@link setPasswordScript} finds the server. */
export interface SetPasswordTarget {
  /** Directory of the server's Unix socket (unix_socket_directories). */
  readonly socketDir: string;
  /** The server's port (also names the socket file). */
  readonly port: number;
  /** Tries of `pg_isready` on 127.0.0.1, two seconds apart, before giving up. Defaults to 300 (the startup probe's ten minutes). */
  readonly attempts?: number;
}

/**
 * The SQL {@link setPasswordScript} feeds psql on stdin. The password reaches psql only through the
 * environment (`\getenv`), and `:'pw'` / `:"user"` quote it as a literal and the role as an identifier,
 * so no character of it can escape. The session first turns off every setting that could log the
 * statement text (a slow or failing ALTER ROLE would otherwise print the password to the container log).
 */
export const SET_PASSWORD_SQL = [
  "SET log_statement = 'none';",
  "SET log_min_duration_statement = -1;",
  "SET log_min_error_statement = 'panic';",
  "\\getenv user POSTGRES_USER",
  "\\getenv pw POSTGRES_PASSWORD",
  "ALTER ROLE :\"user\" WITH PASSWORD :'pw';",
  "",
].join("\n");

/**
 * The Postgres container's postStart hook: set POSTGRES_USER's password to POSTGRES_PASSWORD (both
 * from the container's env). The image applies POSTGRES_PASSWORD only at initdb, so without this a
 * changed Secret would reach every client but never the role. Idempotent: setting the same password
 * again only changes the SCRAM salt.
 *
 * It waits for TCP on 127.0.0.1 first: on first start the entrypoint runs initdb and the init scripts
 * on a temporary socket-only server (listen_addresses = '') and then stops it, so waiting on the socket
 * alone could catch that server mid-shutdown. It then connects over the socket, where the image's
 * pg_hba.conf (`local all all trust`, initdb's default) lets the role in without the old password.
 */
export function setPasswordScript(t: SetPasswordTarget): string {
  const attempts = t.attempts ?? 300;
  return [
    "set -eu",
    `for ((i = 1; ; i++)); do`,
    `  pg_isready -q -h 127.0.0.1 -p ${t.port} && break`,
    `  if [ "$i" -ge ${attempts} ]; then echo "set-password: postgres not accepting connections; role password unchanged" >&2; exit 1; fi`,
    "  sleep 2",
    "done",
    `psql -X -q -v ON_ERROR_STOP=1 -h '${t.socketDir}' -p ${t.port} -U "$POSTGRES_USER" -d postgres <<'SQL'`,
    SET_PASSWORD_SQL.trimEnd(),
    "SQL",
    "",
  ].join("\n");
}
