/**
 * A margin note runs down from its reference; a long one (a derivation) can reach a figure that
 * breaks out of the text column below it and be drawn over the figure's controls. Such a note is
 * shown in the text column instead, under its reference (`sidenote-in-column`, global.css), and
 * checked again whenever the page's layout changes (figures drawing, a resize).
 */
const FIGURES = '.widget, .diagram, .article > .wide';

function overlaps(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
}

function place(notes: readonly HTMLElement[]): void {
  // Measured in the margin: a note already moved into the column would never overlap.
  for (const note of notes) note.classList.remove('sidenote-in-column');
  if (getComputedStyle(notes[0] ?? document.body).position !== 'absolute') return;
  const figures = [...document.querySelectorAll<HTMLElement>(FIGURES)].map((el) => el.getBoundingClientRect());
  const colliding = notes.filter((note) => {
    const box = note.getBoundingClientRect();
    return figures.some((figure) => overlaps(box, figure));
  });
  for (const note of colliding) note.classList.add('sidenote-in-column');
}

export function keepSidenotesClearOfFigures(): void {
  const notes = [...document.querySelectorAll<HTMLElement>('.sidenote')];
  const article = document.querySelector<HTMLElement>('.article');
  if (notes.length === 0 || article === null) return;
  let pending = false;
  const schedule = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      place(notes);
    });
  };
  // Removing and re-adding the same classes in one frame leaves the layout as it was, so this
  // observer settles after one round instead of looping.
  new ResizeObserver(schedule).observe(article);
  schedule();
}
