/**
 * The papers' subscripted symbols in plain strings (`t_S`, `τ_mem`, `τ_λ`, `Λ_{data}`, `x̂_0`): one parser
 * for the server-rendered captions (RichText.astro), the widgets' HTML readouts and Plot's SVG
 * labels, so a symbol looks the same wherever it is written.
 */
const SYMBOL = /([A-Za-zα-ωΑ-Ω]\u0302?)_(\{[^}]+\}|[A-Za-z0-9α-ωΑ-Ω]+)/g;

export interface TextPart {
  base: string;
  /** The subscript, braces removed; absent for plain text. */
  sub?: string;
}

export function splitSymbols(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(SYMBOL)) {
    const at = match.index;
    if (at > last) parts.push({ base: text.slice(last, at) });
    parts.push({ base: match[1] ?? '', sub: (match[2] ?? '').replace(/^\{|\}$/g, '') });
    last = at + match[0].length;
  }
  if (last < text.length) parts.push({ base: text.slice(last) });
  return parts;
}

/** HTML nodes: each symbol as an italic base with its subscript, as RichText.astro renders it. */
export function richNodes(text: string): Node[] {
  return splitSymbols(text).map((part) => {
    if (part.sub === undefined) return document.createTextNode(part.base);
    const symbol = document.createElement('span');
    symbol.className = 'sym';
    const base = document.createElement('i');
    base.textContent = part.base;
    const sub = document.createElement('sub');
    sub.textContent = part.sub;
    symbol.append(base, sub);
    return symbol;
  });
}

export function setRichText(target: HTMLElement, text: string): void {
  target.replaceChildren(...richNodes(text));
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Unicode subscripts, for the texts that cannot hold markup (tooltips, window titles). */
const SUBSCRIPT: Readonly<Record<string, string>> = Object.fromEntries(
  [...'0123456789aehijklmnoprstuvx+-=()'].map((c, i) => [c, [...'₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₊₋₌₍₎'][i] ?? c]),
);

/**
 * A symbol as plain text: its subscript in Unicode subscript letters where each has one (ψₙ,
 * L_test as Lₜₑₛₜ), else set after the base with a narrow space (τ gen), never as raw `_` markup.
 */
export function plainSymbols(text: string): string {
  return splitSymbols(text)
    .map((part) => {
      if (part.sub === undefined) return part.base;
      const chars = [...part.sub];
      return chars.every((c) => c in SUBSCRIPT) ? part.base + chars.map((c) => SUBSCRIPT[c]).join('') : `${part.base}\u202f${part.sub}`;
    })
    .join('');
}

/** Plot writes labels as plain text; this lowers the subscripts in a figure's texts to match the prose. */
export function subscriptSvgText(svg: Element): void {
  for (const title of svg.querySelectorAll('title')) title.textContent = plainSymbols(title.textContent ?? '');
  for (const text of svg.querySelectorAll('text, tspan')) {
    if (text.children.length > 0) continue;
    const parts = splitSymbols(text.textContent ?? '');
    if (!parts.some((part) => part.sub !== undefined)) continue;
    text.replaceChildren(
      ...parts.flatMap((part): Node[] => {
        if (part.sub === undefined) return [document.createTextNode(part.base)];
        const sub = document.createElementNS(SVG_NS, 'tspan');
        sub.setAttribute('baseline-shift', 'sub');
        // Smaller than its base, but never under the 11 px floor of figure text (issue 13).
        sub.setAttribute('class', 'figure-sub');
        sub.textContent = part.sub;
        return [document.createTextNode(part.base), sub];
      }),
    );
  }
}
