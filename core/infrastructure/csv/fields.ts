/**
 * Splits one CSV record into fields. The common case (no quote character on the
 * line) is an indexOf loop; lines holding quotes go through a small state machine
 * that honours RFC 4180 quoting ("a, b" and "" inside quotes).
 */

/** Returned by splitRecord when the line ends inside a quoted field: append the next line. */
export const OPEN_QUOTE = -1;

/**
 * Fills `out` with the fields of `line` and returns their count, or OPEN_QUOTE when
 * a quoted field continues on the next line (call again with both lines joined by \n).
 */
export function splitRecord(line: string, delimiter: string, out: string[]): number {
  if (line.indexOf('"') < 0) {
    let count = 0;
    let start = 0;
    for (;;) {
      const end = line.indexOf(delimiter, start);
      if (end < 0) {
        out[count++] = line.slice(start);
        return count;
      }
      out[count++] = line.slice(start, end);
      start = end + 1;
    }
  }
  return splitQuoted(line, delimiter.charCodeAt(0), out);
}

const QUOTE = 34;

function splitQuoted(line: string, delimiter: number, out: string[]): number {
  let count = 0;
  let i = 0;
  const n = line.length;
  for (;;) {
    // Start of a field: skip blanks before an opening quote (` "a"` is read as a).
    let j = i;
    while (j < n && line.charCodeAt(j) === 32) j++;
    if (j < n && line.charCodeAt(j) === QUOTE) {
      i = j + 1;
      let field = '';
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return OPEN_QUOTE;
        field += line.slice(i, q);
        if (line.charCodeAt(q + 1) === QUOTE) {
          field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the delimiter is kept (lenient, like csv-parse's relax_quotes).
      const end = indexOfCode(line, delimiter, i);
      field += line.slice(i, end < 0 ? n : end);
      out[count++] = field;
      if (end < 0) return count;
      i = end + 1;
    } else {
      const end = indexOfCode(line, delimiter, i);
      out[count++] = line.slice(i, end < 0 ? n : end);
      if (end < 0) return count;
      i = end + 1;
    }
  }
}

function indexOfCode(s: string, code: number, from: number): number {
  for (let i = from; i < s.length; i++) if (s.charCodeAt(i) === code) return i;
  return -1;
}

/** Picks the delimiter of a file from its first line: the most frequent of tab, `;` and `,` outside quotes. */
export function detectDelimiter(firstLine: string): ',' | ';' | '\t' {
  let tabs = 0;
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (let i = 0; i < firstLine.length; i++) {
    const c = firstLine.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 9) tabs++;
    else if (c === 59) semicolons++;
    else if (c === 44) commas++;
  }
  // The most frequent wins; on a tie prefer the rarer separators (a `;` file may hold decimal commas).
  if (tabs >= semicolons && tabs >= commas && tabs > 0) return '\t';
  if (semicolons >= commas && semicolons > 0) return ';';
  return ',';
}
