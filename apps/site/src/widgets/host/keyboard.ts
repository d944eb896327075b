/** What the widget's shortcuts do; each returns whether it acted (so the key is consumed). */
export interface ShortcutActions {
  togglePlay(): boolean;
  rerun(): void;
  /** Stop a run in progress; false when nothing runs. */
  stop(): boolean;
}

/** Keys that type into the focused element, or that it acts on itself, are not shortcuts there. */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return target.type !== 'range' && target.type !== 'checkbox' ? true : key === ' ' && target.type === 'checkbox';
  if (key === ' ' || key === 'Enter') return target.closest('button, a, summary') !== null;
  return false;
}

/** Space or k plays and pauses, r reruns, Escape stops: only while focus is inside this widget. */
export function bindShortcuts(root: HTMLElement, actions: ShortcutActions): void {
  root.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (ownsKey(event.target, event.key)) return;
    let acted = false;
    if (event.key === ' ' || event.key === 'k') acted = actions.togglePlay();
    else if (event.key === 'r' || event.key === 'R') {
      actions.rerun();
      acted = true;
    } else if (event.key === 'Escape') acted = actions.stop();
    if (acted) event.preventDefault();
  });
}
