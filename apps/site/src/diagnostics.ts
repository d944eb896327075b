import { createBrowserClient } from '@diffusion-atlas/worker/client';
import { t } from './i18n/messages.ts';
import { atlasClient } from './widgets/host/client.ts';
import { asAtlasError } from './widgets/host/errors.ts';
import { formatValue } from './widgets/kit/format.ts';
import { showRouting } from './diagnostics-routing.ts';

function field(root: HTMLElement, name: string, text: string): void {
  const el = root.querySelector<HTMLElement>(`[data-field="${name}"]`);
  if (el !== null) el.textContent = text;
}

/**
 * Fill the diagnostics report from the worker. The numbers also go into data attributes
 * (data-backend, data-fallback-reason, data-check-max-error) for machines to read.
 */
export async function showBackendReport(root: HTMLElement, routing?: HTMLElement): Promise<void> {
  // the page's isolation decides whether the worker may share memory with a thread pool
  const isolated = globalThis.crossOriginIsolated === true;
  root.dataset['isolated'] = String(isolated);
  field(root, 'isolated', t(isolated ? 'diagnostics.isolated.yes' : 'diagnostics.isolated.no'));
  try {
    const report = await atlasClient().backend();
    root.dataset['workers'] = String(report.workers ?? 1);
    field(root, 'workers', formatValue(report.workers ?? 1));
    if (routing !== undefined) showRouting(routing, report);
    root.dataset['backend'] = report.backend;
    field(root, 'backend', report.backend);
    if (report.fallbackReason !== undefined) root.dataset['fallbackReason'] = report.fallbackReason;
    // The worker's reason is its own report (backend names, engine messages), shown as it gave it.
    field(root, 'fallbackReason', report.fallbackReason ?? t('diagnostics.fallbackReason.none'));
    if (report.checkMaxError !== undefined) {
      root.dataset['checkMaxError'] = String(report.checkMaxError);
      field(root, 'checkMaxError', t('diagnostics.checkMaxError.value', { value: formatValue(report.checkMaxError) }));
    } else {
      field(root, 'checkMaxError', t('diagnostics.checkMaxError.none'));
    }
    root.dataset['state'] = 'ready';
  } catch (error) {
    root.dataset['state'] = 'error';
    field(root, 'backend', t('diagnostics.backend.error', { message: asAtlasError(error).message }));
  }
}

/**
 * A short, non-chaotic run (exact score, ODE, stopping at t = 0.01) so float32 rounding cannot be
 * amplified into a different choice of training point: the two paths must agree to float32 tolerance.
 */
const COMPARE_PARAMS = { dataset: 'gaussians', score: 'exact', sampler: 'ode', n: 50, m: 300, steps: 60, tMin: 0.01, seed: 11 };

/** Run one experiment in a GPU-forced and a CPU-only worker and report the largest difference. */
export async function compareBackends(root: HTMLElement): Promise<void> {
  root.dataset['state'] = 'running';
  field(root, 'experiment', `noise-and-back ${JSON.stringify(COMPARE_PARAMS)}`);
  const gpu = createBrowserClient({ backend: 'gpu' });
  const cpu = createBrowserClient({ backend: 'cpu' });
  try {
    const [a, b] = await Promise.all([gpu.run('noise-and-back', COMPARE_PARAMS), cpu.run('noise-and-back', COMPARE_PARAMS)]);
    const x = a.result['samples'];
    const y = b.result['samples'];
    if (!(x instanceof Float32Array) || !(y instanceof Float32Array) || x.length !== y.length) {
      throw new Error('the two runs returned different shapes');
    }
    let max = 0;
    x.forEach((xi, i) => {
      max = Math.max(max, Math.abs(xi - (y[i] ?? Number.NaN)));
    });
    root.dataset['gpuBackend'] = a.backend;
    root.dataset['cpuBackend'] = b.backend;
    root.dataset['maxDifference'] = String(max);
    field(root, 'gpuBackend', a.backend);
    field(root, 'cpuBackend', b.backend);
    field(root, 'maxDifference', formatValue(max));
    root.dataset['state'] = 'ready';
  } catch (error) {
    root.dataset['state'] = 'error';
    field(root, 'maxDifference', t('diagnostics.compare.failed', { message: asAtlasError(error).message }));
  } finally {
    gpu.terminate();
    cpu.terminate();
  }
}
