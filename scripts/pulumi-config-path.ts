/**
 * `pulumi config set --path <key> <value>` as the Pulumi CLI stores it, so an offline render sees the
 * same stack config a real `pulumi preview` would. Read from pulumi/pulumi (v3.2xx):
 * - `sdk/go/common/resource/properties_path.go` `parsePropertyPath`: `a.b`, `a[0]`, `a["b.c"]`;
 * - `sdk/go/common/resource/config/map.go` `Map.Set`: a one-segment path stores the value as given
 *   (a plain string); a longer one stores an object under the first segment, creating containers as it
 *   goes (an int segment makes an array), with the leaf value adjusted by `adjustObjectValue`:
 *   "true"/"false" become booleans, a string of more than one character starting with "0" stays a
 *   string, anything `strconv.Atoi` accepts becomes an integer, everything else stays a string (so
 *   "1.5" and "null" are strings, and a JSON text is a string, not an object);
 * - the object is then stored as JSON text under the top-level key, which the Node.js SDK's
 *   `Config.get` returns as is and `stacks/stack-config.ts` `readOverrides` parses as JSON.
 */

/** One segment of a property path: an object key or an array index. */
export type PathSegment = string | number;

/** A `--set` the CLI would reject, worded as the CLI words it. */
export class ConfigPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigPathError";
  }
}

/** `resource.ParsePropertyPath` (non-strict). */
export function parsePropertyPath(path: string): PathSegment[] {
  const fail = (why: string) => new ConfigPathError(`invalid config key path: ${why}`);
  const out: PathSegment[] = [];
  let rest = path;
  if (rest.length === 0 || rest[0] === ".")
    throw fail("expected property path to start with a name or index");
  while (rest.length > 0) {
    if (rest[0] === ".") {
      rest = rest.slice(1);
      if (rest.length === 0) throw fail("expected property path to end with a name or index");
    } else if (rest[0] === "[") {
      if (rest[1] === '"') {
        let key = "";
        let i = 2;
        for (;;) {
          if (i >= rest.length) throw fail("missing closing quote in property name");
          if (rest[i] === '"') {
            i++;
            break;
          }
          if (rest[i] === "\\" && rest[i + 1] === '"') {
            key += '"';
            i += 2;
          } else key += rest[i++];
        }
        if (rest[i] !== "]") throw fail("missing closing bracket in property access");
        out.push(key);
        rest = rest.slice(i + 1);
      } else {
        const close = rest.indexOf("]");
        if (close === -1) throw fail("missing closing bracket in array index");
        const segment = rest.slice(1, close);
        if (!/^[+-]?\d+$/.test(segment)) throw fail(`invalid array index: ${JSON.stringify(segment)}`);
        out.push(Number(segment));
        rest = rest.slice(close + 1);
      }
    } else {
      const end = rest.search(/[.[]/);
      const name = end === -1 ? rest : rest.slice(0, end);
      out.push(name);
      rest = end === -1 ? "" : rest.slice(end);
    }
  }
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `adjustObjectValue`: the type a leaf value gets inside a `--path` object. */
export function adjustObjectValue(value: string): string | number | boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  if (value.length > 1 && value[0] === "0") return value;
  if (/^[+-]?\d+$/.test(value)) {
    const n = BigInt(value);
    if (n >= INT64_MIN && n <= INT64_MAX) return Number(n);
  }
  return value;
}

type Container = Record<string, unknown> | unknown[];

function newContainer(segment: PathSegment): Container {
  return typeof segment === "number" ? [] : {};
}

function setIn(container: Container, path: PathSegment[], value: unknown, shown: string): void {
  const [key, ...rest] = path as [PathSegment, ...PathSegment[]];
  if (Array.isArray(container)) {
    if (typeof key !== "number") throw new ConfigPathError(`${shown}: key for an array must be an int`);
    if (key < 0 || key > container.length) throw new ConfigPathError(`${shown}: array index out of range`);
  } else if (typeof key !== "string") throw new ConfigPathError(`${shown}: key for a map must be a string`);
  const slot = container as Record<string | number, unknown>;
  if (rest.length === 0) {
    slot[key] = value;
    return;
  }
  let next = slot[key];
  if (next === undefined || next === null) {
    next = newContainer(rest[0] as PathSegment);
    slot[key] = next;
  } else if (typeof next !== "object")
    throw new ConfigPathError(`${shown}: ${JSON.stringify(next)} is not an object or array`);
  setIn(next as Container, rest, value, shown);
}

/** The project namespace every key of this program lives in. */
export const PROJECT_NAMESPACE = "mcp-stack";

/**
 * Apply one `pulumi config set --path mcp-stack:<path> <value>` to stack config held as the CLI holds
 * it: top-level key (no namespace) → stored string (JSON text for objects). Returns a new map.
 */
export function setConfigPath(
  config: Readonly<Record<string, string>>,
  path: string,
  value: string,
): Record<string, string> {
  const name = path.startsWith(`${PROJECT_NAMESPACE}:`) ? path.slice(PROJECT_NAMESPACE.length + 1) : path;
  if (name.includes(":"))
    throw new ConfigPathError(`${path}: only ${PROJECT_NAMESPACE}: keys configure this program`);
  const segments = parsePropertyPath(name);
  const first = segments[0];
  if (typeof first !== "string")
    throw new ConfigPathError("first path segement of config key must be a string");
  if (first === "") throw new ConfigPathError("config key is empty");
  const next = { ...config };
  if (segments.length === 1) {
    next[first] = value;
    return next;
  }
  const existing = config[first];
  let root: unknown;
  if (existing === undefined) root = newContainer(segments[1] as PathSegment);
  else {
    try {
      root = JSON.parse(existing);
    } catch {
      root = existing;
    }
    if (root === null || typeof root !== "object")
      throw new ConfigPathError(
        `${PROJECT_NAMESPACE}:${first} holds ${JSON.stringify(existing)}, not an object`,
      );
  }
  setIn(root as Container, segments.slice(1), adjustObjectValue(value), `${PROJECT_NAMESPACE}:${name}`);
  next[first] = JSON.stringify(root);
  return next;
}

/** Stack config as `runUnderMocks` takes it (objects → JSON text, as the CLI stores them). */
export function asStoredConfig(config: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}
