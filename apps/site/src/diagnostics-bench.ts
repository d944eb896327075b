import * as Comlink from 'comlink';
import type { BenchWorkerApi } from './diagnostics-bench-worker.ts';

/*
 * The entry of `npm run bench:browser` (tests/bench/browser.ts): the driver dispatches
 * `atlas:bench` on the document with { id, op: 'backend' } or { id, op: 'run', config, steps? },
 * and the answer comes back as `atlas:bench-result` with the same id and { result } or { error }.
 * The runs happen in a module worker of their own, started on the first request, so a reader of
 * the page never pays for it.
 */

interface BenchRequest {
  id: number;
  op: 'backend' | 'run';
  config?: string;
  steps?: number;
}

function isRequest(detail: unknown): detail is BenchRequest {
  if (typeof detail !== 'object' || detail === null) return false;
  const { id, op } = detail as Partial<BenchRequest>;
  return typeof id === 'number' && (op === 'backend' || op === 'run');
}

export function listenForBench(): void {
  let worker: Comlink.Remote<BenchWorkerApi> | undefined;
  document.addEventListener('atlas:bench', (event) => {
    const detail: unknown = event instanceof CustomEvent ? event.detail : undefined;
    if (!isRequest(detail)) return;
    worker ??= Comlink.wrap<BenchWorkerApi>(new Worker(new URL('./diagnostics-bench-worker.ts', import.meta.url), { type: 'module' }));
    const answer = detail.op === 'backend' ? worker.backend() : worker.run(detail.config ?? '', detail.steps);
    const reply = (body: Record<string, unknown>): void => {
      document.dispatchEvent(new CustomEvent('atlas:bench-result', { detail: { id: detail.id, ...body } }));
    };
    answer.then(
      (result) => reply({ result }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
