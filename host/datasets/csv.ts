// Splits one CSV line (RFC 4180 quoting: "a,b" and "" for a quote inside).
// Returns null when a quoted field is not closed on the line.

export function splitCsvLine(line: string): string[] | null {
  if (line.indexOf('"') < 0) return line.split(',');
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
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end;
    }
    if (i >= line.length) return out;
    if (line[i] !== ',') return null;
    i++;
    if (i === line.length) {
      out.push('');
      return out;
    }
  }
}
