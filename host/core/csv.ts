// Splits one delimited line (RFC 4180 quoting: "a,b" as one field, "" for a
// quote inside quotes): the one splitter of every CSV and TSV reader (the
// datasets, `score`'s rows, `train`'s data). Returns null when a quoted field
// is not closed on its line; each caller turns that into an error naming
// the file and line.
//
//   line   := field { sep field }
//   field  := '"' { char | '""' } '"'   (a quoted field runs to its closing quote)
//           | { char }                  (anything up to the next sep, quotes included)

export function splitLine(line: string, sep = ','): string[] | null {
  if (line.indexOf('"') < 0) return line.split(sep);
  const out: string[] = [];
  let i = 0;
  while (true) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (true) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
    } else {
      const c = line.indexOf(sep, i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end;
    }
    if (i >= line.length) return out;
    if (line[i] !== sep) return null;
    i++;
    if (i === line.length) {
      out.push('');
      return out;
    }
  }
}

/** The message for a line splitLine refused. */
export const UNCLOSED_QUOTE = 'a quoted field is not closed on its line (or a closing quote is followed by more than a separator)';
