/** A small parser for the Prometheus text exposition format (what /metrics answers). */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** `# TYPE` per metric family. */
  types: Map<string, string>;
  /** `# HELP` per metric family. */
  help: Map<string, string>;
  samples: Sample[];
  /** How often each `# TYPE` line appeared (an aggregate must list each family once). */
  typeLines: Map<string, number>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Exposition {
  const out: Exposition = { types: new Map(), help: new Map(), samples: [], typeLines: new Map() };
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      out.types.set(type[1]!, type[2]!);
      out.typeLines.set(type[1]!, (out.typeLines.get(type[1]!) ?? 0) + 1);
      continue;
    }
    const help = /^# HELP (\S+) (.*)$/.exec(line);
    if (help) {
      out.help.set(help[1]!, help[2]!);
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, "$1");
    out.samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The samples of `name` whose labels include `labels`. */
export function find(exp: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exp.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The sum of the matching samples (0 when none). */
export function total(exp: Exposition, name: string, labels: Record<string, string> = {}): number {
  return find(exp, name, labels).reduce((sum, s) => sum + s.value, 0);
}
