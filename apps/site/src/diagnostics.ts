import { atlasClient } from './widgets/client.ts';
import { asAtlasError } from './widgets/errors.ts';
import { formatValue } from './widgets/format.ts';

function field(root: HTMLElement, name: string, text: string): void {
  const el = root.querySelector<HTMLElement>(`[data-field="${name}"]`);
  if (el !== null) el.textContent = text;
}

/**
 * Fill the diagnostics report from the worker. The numbers also go into data attributes
 * (data-backend, data-fallback-reason, data-check-max-error) for machines to read.
 */
export async function showBackendReport(root: HTMLElement): Promise<void> {
  try {
    const report = await atlasClient().backend();
    root.dataset['backend'] = report.backend;
    field(root, 'backend', report.backend);
    if (report.fallbackReason !== undefined) root.dataset['fallbackReason'] = report.fallbackReason;
    field(root, 'fallbackReason', report.fallbackReason ?? 'none: the preferred backend is in use');
    if (report.checkMaxError !== undefined) {
      root.dataset['checkMaxError'] = String(report.checkMaxError);
      field(root, 'checkMaxError', `${formatValue(report.checkMaxError)} (relative)`);
    } else {
      field(root, 'checkMaxError', 'not checked (the reference itself is in use)');
    }
    root.dataset['state'] = 'ready';
  } catch (error) {
    root.dataset['state'] = 'error';
    field(root, 'backend', `the worker did not answer: ${asAtlasError(error).message}`);
  }
}
