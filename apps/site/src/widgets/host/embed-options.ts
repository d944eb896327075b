import type { ParamNotice, ParamSpecs } from '@diffusion-atlas/core';
import { t } from '../../i18n/messages.ts';

/**
 * Options a host page sets in an embed's address, beside the parameters:
 *   controls=n,t     only these controls are shown (controls=none: no controls)
 *   lock=n,m         these parameters keep the link's value; their controls show it, disabled
 *   theme=auto|light|dark   auto follows the reader's system setting (the default)
 *   autoplay=1       animations play by themselves (off by default in embeds)
 */
export interface EmbedOptions {
  /** Visible controls, in order; undefined keeps the widget's own list. */
  controls: readonly string[] | undefined;
  locked: ReadonlySet<string>;
  theme: 'auto' | 'light' | 'dark';
  autoplay: boolean;
}

function list(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function readEmbedOptions(specs: ParamSpecs, search: string): { options: EmbedOptions; notices: ParamNotice[] } {
  const query = new URLSearchParams(search);
  const notices: ParamNotice[] = [];
  const known = (name: string, option: string): boolean => {
    if (Object.hasOwn(specs, name)) return true;
    notices.push({ param: option, message: t('embed.notice.unknown', { option, name }) });
    return false;
  };
  const controlsText = query.get('controls');
  const controls =
    controlsText === null ? undefined : controlsText.trim() === 'none' ? [] : list(controlsText).filter((name) => known(name, 'controls'));
  const locked = new Set(list(query.get('lock')).filter((name) => known(name, 'lock')));
  const themeText = query.get('theme') ?? 'auto';
  const theme = themeText === 'light' || themeText === 'dark' ? themeText : 'auto';
  if (theme !== themeText) notices.push({ param: 'theme', message: t('embed.notice.theme', { theme: themeText }) });
  const autoplayText = query.get('autoplay');
  const autoplay = autoplayText === '1' || autoplayText === 'true';
  return { options: { controls, locked, theme, autoplay }, notices };
}
