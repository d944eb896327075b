import type { AnyExperiment } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t } from '../../i18n/messages.ts';
import { asAtlasError } from './errors.ts';
import { download, exportCsv, exportJson, exportPng, exportSvg, fileStem, type ExportInfo } from './export.ts';

/** What the download buttons need of a widget at the moment they are pressed. */
export interface DownloadSource {
  root: HTMLElement;
  stage: HTMLElement;
  experiment: AnyExperiment;
  /** The last finished run, if any. */
  output: RunOutput | undefined;
  permalink: string;
  command: string;
  /** The view's own figure element, where it names one. */
  figure: Element | null;
}

/** Download the last run as JSON, CSV, SVG or PNG, and say in the widget what was written (or why nothing was). */
export async function downloadFigure(format: string, source: DownloadSource): Promise<void> {
  const note = source.root.querySelector<HTMLElement>('[data-export-status]');
  const say = (text: string): void => {
    if (note !== null) note.textContent = text;
  };
  const output = source.output;
  if (output === undefined || source.root.dataset['status'] === 'running') {
    say(t('export.none'));
    return;
  }
  const info: ExportInfo = { experiment: source.experiment, params: output.params, output, permalink: source.permalink, command: source.command };
  const stem = fileStem(info);
  try {
    let file = '';
    if (format === 'json') {
      file = `${stem}.json`;
      download(exportJson(info), file, 'application/json');
    } else if (format === 'csv') {
      file = `${stem}.csv`;
      download(exportCsv(info), file, 'text/csv');
    } else {
      const svg = exportSvg(info, source.stage, source.figure);
      if (svg === null) {
        say(t('export.none'));
        return;
      }
      if (format === 'svg') {
        file = `${stem}.svg`;
        download(svg, file, 'image/svg+xml');
      } else {
        file = `${stem}.png`;
        download(await exportPng(info, svg), file, 'image/png');
      }
    }
    say(t('export.done', { file }));
  } catch (error) {
    say(asAtlasError(error).message);
  }
}
