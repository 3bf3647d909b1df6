/**
 * Where `npm run test:faults` writes into docs/reliability.md: between two markers, so that
 * test/reliability/write-doc.ts, which rewrites the rest of the file, can keep this part as it is.
 */
export const START =
  "<!-- deploy-faults: written by npm run test:faults (test/deploy/faults/write-doc.ts) -->";
export const END = "<!-- /deploy-faults -->";

/** The doc with this section put in place of the old one, or before the notes when there is none. */
export function withSection(doc: string, text: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start >= 0 && end > start) return `${doc.slice(0, start)}${text}${doc.slice(end + END.length)}`;
  const notes = doc.indexOf("\n## Notes");
  return notes >= 0
    ? `${doc.slice(0, notes)}\n${text}\n${doc.slice(notes)}`
    : `${doc.trimEnd()}\n\n${text}\n`;
}

/** The section as a doc holds it (markers included), or "" when it has none. */
export function keptSection(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  return start >= 0 && end > start ? doc.slice(start, end + END.length) : "";
}
