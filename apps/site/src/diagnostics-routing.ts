import { createBrowserClient } from '@diffusion-atlas/worker/client';
import type { BackendReport, RoutingReport } from '@diffusion-atlas/worker';
import { t } from './i18n/messages.ts';
import { asAtlasError } from './widgets/host/errors.ts';
import { formatValue } from './widgets/kit/format.ts';

/*
 * The diagnostics page's view of per-call routing: the start-up calibration of the atlas worker
 * (timings of each verified path on the figures' call shapes, and the path each shape takes), and
 * on request the same calibration in a fresh worker with every path kept, a software WebGL
 * renderer included, so the table can be read on any machine.
 */

function cell(row: HTMLTableRowElement, text: string, header = false): HTMLTableCellElement {
  const el = document.createElement(header ? 'th' : 'td');
  el.textContent = text;
  row.append(el);
  return el;
}

/** The calibration as a table: one row per measured shape, one column per path, the choice last. */
export function routingTable(routing: RoutingReport): HTMLTableElement {
  const table = document.createElement('table');
  table.dataset['routingTable'] = '';
  const caption = table.createCaption();
  caption.textContent = t('diagnostics.routing.spent', { spent: formatValue(routing.spentMs), budget: formatValue(routing.budgetMs) });
  const head = table.createTHead().insertRow();
  cell(head, t('diagnostics.routing.shape'), true);
  for (const path of routing.paths) cell(head, t('diagnostics.routing.time', { path }), true);
  cell(head, t('diagnostics.routing.choice'), true);
  const body = table.createTBody();
  for (const entry of routing.entries) {
    const row = body.insertRow();
    row.dataset['m'] = String(entry.m);
    row.dataset['n'] = String(entry.n);
    row.dataset['d'] = String(entry.d);
    row.dataset['choice'] = entry.choice;
    cell(row, t('diagnostics.routing.shape.value', { m: entry.m, n: entry.n, d: entry.d }), true).setAttribute('scope', 'row');
    for (const path of routing.paths) {
      const ms = entry.timesMs[path];
      const td = cell(row, ms === undefined ? t('diagnostics.routing.failed') : formatValue(ms));
      if (ms !== undefined) td.dataset['ms'] = String(ms);
      td.dataset['path'] = path;
    }
    cell(row, entry.choice);
  }
  for (const shape of routing.skipped) {
    const row = body.insertRow();
    row.dataset['skipped'] = '';
    cell(row, t('diagnostics.routing.shape.value', { m: shape.m, n: shape.n, d: shape.d }), true).setAttribute('scope', 'row');
    const note = cell(row, t('diagnostics.routing.skipped'));
    note.colSpan = routing.paths.length + 1;
  }
  return table;
}

/** Where the report has a calibration, its table; else a line saying that one path serves every call. */
export function showRouting(root: HTMLElement, report: BackendReport): void {
  root.replaceChildren();
  if (report.routing === undefined) {
    const p = document.createElement('p');
    p.textContent = t('diagnostics.routing.single', { backend: report.backend });
    root.append(p);
  } else {
    root.append(routingTable(report.routing));
  }
  root.dataset['state'] = 'ready';
}

/** Calibrates every path in a fresh worker (software WebGL included) and shows its table. */
export async function calibrateAllPaths(root: HTMLElement): Promise<void> {
  root.dataset['state'] = 'running';
  const client = createBrowserClient({ backend: 'route' });
  try {
    showRouting(root, await client.backend());
  } catch (error) {
    root.dataset['state'] = 'error';
    root.textContent = t('diagnostics.compare.failed', { message: asAtlasError(error).message });
  } finally {
    client.terminate();
  }
}
