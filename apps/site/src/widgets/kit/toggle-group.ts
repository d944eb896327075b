import { el } from './dom.ts';

/** A set of toggle buttons (aria-pressed) for a view-only choice that needs no new run. */
export function toggleGroup<T extends string>(
  label: string,
  options: ReadonlyArray<{ value: T; label: string }>,
  initial: T,
  onChange: (value: T) => void,
  /** A shorter visible label where the full one would push the buttons onto two lines. */
  visibleLabel = label,
): { element: HTMLElement; value(): T } {
  const group = el('div', 'figure-toolbar');
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', label);
  const caption = el('span', 'figure-toolbar-label', visibleLabel);
  caption.setAttribute('aria-hidden', 'true');
  group.append(caption);
  let current = initial;
  const buttons = options.map((option) => {
    const button = el('button', 'figure-toggle', option.label);
    button.type = 'button';
    button.dataset['value'] = option.value;
    button.setAttribute('aria-pressed', String(option.value === current));
    button.addEventListener('click', () => {
      if (current === option.value) return;
      current = option.value;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset['value'] === current));
      onChange(current);
    });
    return button;
  });
  group.append(...buttons);
  return { element: group, value: () => current };
}
