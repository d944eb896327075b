import { t } from './i18n/messages.ts';

/** Theme choice: an explicit choice persists in localStorage; without one the system setting rules. */
export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'atlas-theme';

function systemTheme(): Theme {
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function storedTheme(): Theme | null {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    // Storage can be blocked (private modes, sandboxed iframes): fall back to the system setting.
    return null;
  }
}

export function currentTheme(): Theme {
  return document.documentElement.dataset['theme'] === 'dark' ? 'dark' : 'light';
}

function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
  document.dispatchEvent(new CustomEvent('atlas:theme', { detail: theme }));
}

function label(button: HTMLButtonElement): void {
  const text = currentTheme() === 'dark' ? t('theme.switchTo.light') : t('theme.switchTo.dark');
  button.setAttribute('aria-label', text);
  button.title = text;
}

export function bindThemeToggle(button: HTMLButtonElement): void {
  label(button);
  button.addEventListener('click', () => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Not persisted, but still applied for this page.
    }
    applyTheme(next);
    label(button);
  });
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (storedTheme() === null) {
      applyTheme(systemTheme());
      label(button);
    }
  });
}
