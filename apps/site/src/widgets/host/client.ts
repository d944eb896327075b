import { createBrowserClient } from '@diffusion-atlas/worker/client';
import type { AtlasClient } from '@diffusion-atlas/worker';

let shared: AtlasClient | undefined;

/** The page's one worker client: every widget on a page shares one worker and its GPU context. */
export function atlasClient(): AtlasClient {
  shared ??= createBrowserClient();
  return shared;
}

/** What a widget asks of its client: runs, cancellation and the backend in use. */
export type WidgetClient = Pick<AtlasClient, 'run' | 'cancel' | 'backend'>;
