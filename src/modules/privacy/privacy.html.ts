import { DIRECT_TABLES, INDIRECT_TABLES } from './privacy.tables.ts';
import type { CustomerExport } from './privacy.service.ts';

const esc = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const titleOf = (t: string) => DIRECT_TABLES[t]?.title ?? INDIRECT_TABLES[t] ?? t;

function table(rows: Record<string, unknown>[]): string {
  if (!rows.length) return '<p class="none">Nothing held.</p>';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => c !== 'workspace_id');
  const head = cols.map((c) => `<th scope="col">${esc(c.replace(/_/g, ' '))}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${cols.map((c) => `<td>${esc(r[c] === null ? '' : r[c])}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="wrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** The export as one self-contained, print-friendly page (every value escaped; no script, no outside file). */
export function exportHtml(x: CustomerExport): string {
  const c = x.customer;
  const fields = Object.entries(c)
    .filter(([k]) => k !== 'workspace_id')
    .map(([k, v]) => `<tr><th scope="row">${esc(k.replace(/_/g, ' '))}</th><td>${esc(v)}</td></tr>`)
    .join('');
  const sections = Object.entries(x.tables)
    .map(
      ([t, rows]) =>
        `<section><h2>${esc(titleOf(t))} <span class="count">(${rows.length})</span></h2>${table(rows)}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data held on ${esc(c.name)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;color:#1a1b1e;margin:24px;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta,.none,.count{color:#555}.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:12px}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;word-break:break-word}
th{background:#f4f4f5}
@media print{body{margin:0}.wrap{overflow:visible}section{break-inside:avoid-page}}
</style></head>
<body><main>
<h1>Data held on ${esc(c.name)}</h1>
<p class="meta">Everything ${esc(x.workspace.name)} holds on this customer, exported ${esc(x.exportedAt)}.</p>
<section><h2>Customer</h2><div class="wrap"><table><tbody>${fields}</tbody></table></div></section>
${sections}
</main></body></html>`;
}
