// Plain-text table with right-aligned numbers, readable in a terminal and pasteable as Markdown.

/**
 * @param {string[]} headers
 * @param {(string | number)[][]} rows
 * @returns {string} a Markdown pipe table with padded columns
 */
export function formatTable(headers, rows) {
  const cells = rows.map((row) => row.map((cell) => formatCell(cell)));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...cells.map((row) => (row[column] ?? '').length)),
  );
  const numeric = headers.map((_, column) => rows.every((row) => typeof row[column] === 'number'));
  const line = (values) =>
    `| ${values
      .map((value, column) => (numeric[column] ? value.padStart(widths[column]) : value.padEnd(widths[column])))
      .join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (numeric[column] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(headers), rule, ...cells.map(line)].join('\n');
}

function formatCell(cell) {
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return 'n/a';
    if (Math.abs(cell) >= 100) return Math.round(cell).toLocaleString('en-US');
    return String(Number(cell.toPrecision(3)));
  }
  return cell;
}
