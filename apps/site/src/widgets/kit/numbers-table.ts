import { el } from './dom.ts';
import { richNodes } from './rich-text.ts';

/**
 * The full numbers of a figure, folded away under it: a reader gets the figure and a sentence or
 * two, and opens the table when the exact values matter, instead of meeting a wall of numbers.
 * Headers and cells may carry the papers' symbols (`τ_gen`), rendered.
 */
export interface NumbersTable {
  element: HTMLDetailsElement;
  /** Replaces the table's content; an empty `rows` hides the whole box. */
  set(columns: readonly string[], rows: readonly (readonly string[])[]): void;
}

export function numbersTable(summary: string, className = ''): NumbersTable {
  const element = el('details', `figure-numbers ${className}`.trim());
  const head = el('summary', 'figure-numbers-summary');
  head.append(...richNodes(summary));
  const table = el('table', 'figure-numbers-table');
  element.append(head, table);
  element.hidden = true;
  return {
    element,
    set(columns, rows) {
      const headRow = el('tr');
      for (const column of columns) {
        const th = el('th');
        th.scope = 'col';
        th.append(...richNodes(column));
        headRow.append(th);
      }
      const body = el('tbody');
      for (const row of rows) {
        const tr = el('tr');
        for (const cell of row) {
          const td = el('td');
          td.append(...richNodes(cell));
          tr.append(td);
        }
        body.append(tr);
      }
      const thead = el('thead');
      thead.append(headRow);
      table.replaceChildren(thead, body);
      element.hidden = rows.length === 0;
    },
  };
}
