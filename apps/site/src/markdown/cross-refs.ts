import { t } from '../i18n/messages.ts';

/*
 * Numbered equations, figures and exercises, and cross-references to them, resolved at build time.
 *
 *   $$ dx = -x\,dt + \sqrt{2}\,dW \label{eq:ou} $$     display math with a label gets the next number
 *   <Widget experiment="noise-and-back" />            every widget is the next figure (its id: fig:<id>)
 *   <Exercise id="raise-n" widget="noise-and-back">   every exercise is the next exercise (ex:<id>)
 *   … as [](#eq:ou) shows, and [](#fig:noise-and-back) … [](#ex:raise-n)
 *
 * An empty link to a label becomes "(1)", "Figure 1" or "Exercise 1", pointing at its target; a
 * link with its own text keeps it. An unknown label fails the build, naming the file. An explicit
 * \tag{…} is kept as written.
 */

interface MdAttribute {
  type: string;
  name?: string;
  value?: unknown;
}

interface MdNode {
  type: string;
  value?: string;
  url?: string;
  name?: string | null;
  attributes?: MdAttribute[];
  children?: MdNode[];
  data?: Record<string, unknown>;
}

interface FileLike {
  path?: string;
  fail(reason: string): never;
}

interface Target {
  id: string;
  text: string;
}

const LABEL = /\\label\{([^}]+)\}/g;
const TAG = /\\tag\*?\{([^}]*)\}/;

function attribute(node: MdNode, name: string): string | undefined {
  const attr = node.attributes?.find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
  return typeof attr?.value === 'string' ? attr.value : undefined;
}

function setAttribute(node: MdNode, name: string, value: string): void {
  node.attributes ??= [];
  const existing = node.attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
  if (existing !== undefined) existing.value = value;
  else node.attributes.push({ type: 'mdxJsxAttribute', name, value });
}

function slug(label: string): string {
  return label.replace(/[^A-Za-z0-9_-]+/g, '-');
}

/** Replace the math source everywhere remark-math keeps it (the node and its prepared hast child). */
function setMath(node: MdNode, value: string): void {
  node.value = value;
  const children = node.data?.['hChildren'];
  if (Array.isArray(children)) {
    const code = children[0] as { children?: Array<{ type: string; value?: string }> } | undefined;
    if (code?.children !== undefined) code.children = [{ type: 'text', value }];
  }
}

export function remarkCrossRefs() {
  return (tree: MdNode, file: FileLike): void => {
    const targets = new Map<string, Target>();
    const figureOfWidget = new Map<string, number>();
    const exercises: MdNode[] = [];
    let equations = 0;
    let figures = 0;
    const where = file.path === undefined ? '' : ` in ${file.path}`;
    const claim = (label: string, target: Target): void => {
      if (targets.has(label)) file.fail(`the label “${label}” is used twice${where}`);
      targets.set(label, target);
    };

    const number = (node: MdNode, parent: MdNode | undefined, index: number): void => {
      if (node.type === 'math') {
        const source = node.value ?? '';
        const labels = [...source.matchAll(LABEL)].map((m) => m[1] ?? '');
        const tag = TAG.exec(source)?.[1];
        if (tag !== undefined && /^\d+$/.test(tag)) equations = Math.max(equations, Number(tag));
        if (labels.length === 0) return;
        const label = labels[0] ?? '';
        const shown = tag ?? String(++equations);
        const stripped = source.replace(LABEL, '').trimEnd();
        setMath(node, tag === undefined ? `${stripped} \\tag{${shown}}` : stripped);
        const id = `eq-${slug(label.replace(/^eq:/, ''))}`;
        claim(label, { id, text: t('equation.label', { number: shown }) });
        // rehype-katex replaces the math element itself, so the anchor goes on a wrapper.
        if (parent?.children !== undefined) {
          parent.children[index] = { type: 'atlasEquation', data: { hName: 'div', hProperties: { id, className: ['equation'] } }, children: [node] };
        }
        return;
      }
      if (node.type === 'mdxJsxFlowElement' && (node.name === 'Widget' || node.name === 'Figure')) {
        const n = ++figures;
        const id = attribute(node, 'id') ?? attribute(node, 'experiment') ?? `figure-${n}`;
        setAttribute(node, 'number', String(n));
        claim(`fig:${id}`, { id, text: t('figure.ref', { number: n }) });
        figureOfWidget.set(id, n);
      } else if (node.type === 'mdxJsxFlowElement' && node.name === 'Exercise') {
        exercises.push(node);
        const n = exercises.length;
        const id = attribute(node, 'id') ?? `exercise-${n}`;
        setAttribute(node, 'id', id);
        setAttribute(node, 'number', String(n));
        claim(`ex:${id}`, { id, text: t('exercise.ref', { number: n }) });
      }
      node.children?.forEach((child, i) => number(child, node, i));
    };
    tree.children?.forEach((child, i) => number(child, tree, i));

    for (const exercise of exercises) {
      const widget = attribute(exercise, 'widget');
      const figure = widget === undefined ? undefined : figureOfWidget.get(widget);
      if (figure !== undefined) setAttribute(exercise, 'figure', String(figure));
    }

    const resolve = (node: MdNode): void => {
      if (node.type === 'link' && node.url !== undefined && /^#(eq|fig|ex):/.test(node.url)) {
        const label = node.url.slice(1);
        const target = targets.get(label);
        if (target === undefined) file.fail(`cross-reference to unknown label “${label}”${where}`);
        node.url = `#${target.id}`;
        if ((node.children ?? []).length === 0) node.children = [{ type: 'text', value: target.text }];
        node.data = { ...node.data, hProperties: { className: ['xref'] } };
      }
      node.children?.forEach(resolve);
    };
    resolve(tree);
  };
}
