import type { Element, ElementContent, Root } from 'hast';
import { visit } from 'unist-util-visit';

/**
 * Side notes: each GFM footnote is repeated as a <span class="sidenote"> right after its reference,
 * which CSS shows in the margin on wide screens; the list at the bottom stays, the one that narrow
 * screens and assistive technology read (the side copy is aria-hidden). Runs after KaTeX, so the
 * note's mathematics is copied already rendered.
 */
function isElement(node: ElementContent | Root | undefined): node is Element {
  return node !== undefined && node.type === 'element';
}

/** A note's content as inline content: its paragraphs become spans, its back-links are dropped. */
function inlineCopy(nodes: readonly ElementContent[]): ElementContent[] {
  const out: ElementContent[] = [];
  for (const node of nodes) {
    if (!isElement(node)) {
      out.push(structuredClone(node));
      continue;
    }
    if (node.tagName === 'a' && 'dataFootnoteBackref' in node.properties) continue;
    const copy: Element = structuredClone({ ...node, children: [] });
    copy.children = inlineCopy(node.children);
    if (node.tagName === 'p') {
      copy.tagName = 'span';
      copy.properties = { className: ['sidenote-paragraph'] };
    }
    // Copied ids would clash with the list's.
    delete copy.properties['id'];
    // The copy is hidden from assistive technology, so its links must not take keyboard focus either
    // (the list at the bottom keeps them reachable).
    if (copy.tagName === 'a') copy.properties['tabIndex'] = -1;
    out.push(copy);
  }
  return out;
}

export function rehypeSidenotes() {
  return (tree: Root): void => {
    const notes = new Map<string, Element>();
    visit(tree, 'element', (node: Element) => {
      const id = node.properties['id'];
      if (node.tagName === 'li' && typeof id === 'string' && /fn-/.test(id)) notes.set(id, node);
    });
    if (notes.size === 0) return;
    visit(tree, 'element', (node: Element, index, parent) => {
      if (node.tagName !== 'sup' || parent === undefined || index === undefined) return;
      const link = node.children.find(isElement);
      if (link === undefined || !('dataFootnoteRef' in link.properties)) return;
      const href = link.properties['href'];
      if (typeof href !== 'string') return;
      const note = notes.get(href.replace(/^#/, ''));
      if (note === undefined) return;
      const number = link.children.find((c) => c.type === 'text');
      const side: Element = {
        type: 'element',
        tagName: 'span',
        properties: { className: ['sidenote'], ariaHidden: 'true' },
        children: [
          { type: 'element', tagName: 'span', properties: { className: ['sidenote-number'] }, children: number === undefined ? [] : [structuredClone(number)] },
          ...inlineCopy(note.children),
        ],
      };
      parent.children.splice(index + 1, 0, side);
      return index + 2;
    });
  };
}
