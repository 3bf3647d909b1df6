/** Cron helpers: Args take the usual five fields, CloudNativePG's ScheduledBackup wants six (seconds first). */

const CRON_RANGES: readonly [string, number, number][] = [
  ["minute", 0, 59],
  ["hour", 0, 23],
  ["day of month", 1, 31],
  ["month", 1, 12],
  ["day of week", 0, 7],
];

/** Problems of a five-field cron expression (numbers, `*`, ranges, lists, steps). */
export function cronIssues(field: string, cron: string): string[] {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5)
    return [
      `${field} "${cron}" must be a five-field cron (minute hour day month weekday), got ${parts.length} fields`,
    ];
  const issues: string[] = [];
  parts.forEach((part, i) => {
    const [name, min, max] = CRON_RANGES[i]!;
    for (const item of part.split(",")) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      const nums = m ? [m[2], m[3]].filter((n) => n !== undefined).map(Number) : [];
      if (!m || nums.some((n) => n < min || n > max) || m[4] === "0")
        issues.push(
          `${field} "${cron}": ${name} "${item}" must be *, a number ${min}-${max}, a range or a step`,
        );
    }
  });
  return issues;
}

/** CloudNativePG's six-field schedule (seconds first) from a five-field cron: "0 2 * * *" → "0 0 2 * * *". */
export function cnpgSchedule(cron: string): string {
  return `0 ${cron.trim().split(/\s+/).join(" ")}`;
}
