import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { experiments, isExperimentName, type AnyExperiment } from '@diffusion-atlas/core';

/*
 * The message file is the only source of UI text: a translation is a JSON file, not a code change.
 * These checks read the site's sources (no build, no browser): every key the code names exists,
 * every key the file holds is used, and no English is written into the code beside the catalog.
 * tests/site/pseudo-locale.test.ts checks the same in the rendered pages.
 */

const SRC = join(import.meta.dirname, '../../apps/site/src');
const I18N = join(SRC, 'i18n');

/** Literal strings that are not UI text although they read like it, each with its reason. */
const ALLOWED = new Set([
  // The header line of a downloaded CSV: the same bytes as the command line writes (a file format, not UI).
  '# Diffusion Atlas: \0 (parameter schema v\0)',
  // BibTeX fields of "Cite this chapter": a citation format, written as reference managers expect it.
  '  howpublished = {Diffusion Atlas, chapter \0},',
  '  note         = {Version of \0}',
  // A command line to copy (the share menu): the CLI's own syntax, the same in every language.
  'npx diffusion-atlas run \0',
  // Identifier schemes of a reference (arXiv:2401.01234, doi:10.…), written as the archives write them.
  'arXiv:',
  'arXiv:\0',
  'doi:\0',
  // <meta name="color-scheme">: CSS keywords, not words.
  'light dark',
  // The self-hosted faces' family names (fonts.ts): CSS identifiers, the same in every language.
  'Source Serif 4 Variable',
  'Source Sans 3 Variable',
  // Plot's chart rules that an exported SVG carries in its own <style> (plot-sheet.ts): CSS, not words.
  '.\0 { display: block; height: auto; max-width: 100%; }\n.\0 text, .\0 tspan { white-space: pre; }',
]);

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(path)) out.push(path);
  }
  return out.sort();
}

const rel = (path: string): string => relative(SRC, path).split(sep).join('/');

/** The registered widgets, read from the registry's source (importing it would pull every view into this test's type check). */
const widgetNames = [...readFileSync(join(SRC, 'widgets/registry.ts'), 'utf8').matchAll(/^ {2}'?([\w-]+)'?: \{$/gm)].map((m) => m[1] ?? '');
/** The chapters' slugs, read from the table of contents in the same way. */
const chapterSlugs = [...readFileSync(join(SRC, 'chapters.ts'), 'utf8').matchAll(/^ {2}chapter\(\d+, '([\w-]+)'/gm)].map((m) => m[1] ?? '');

/** What the explanatory diagrams quote: their names and the parts of `diagram.<name>.<part>` they ask diagramText for. */
const diagramWords = new Set(
  filesUnder(join(SRC, 'components/diagrams'), (p) => p.endsWith('.astro')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/['"]([\w.-]+)['"]/g)].map((m) => m[1] ?? ''),
  ),
);

const english = JSON.parse(readFileSync(join(I18N, 'en.json'), 'utf8')) as Record<string, string>;
// The Astro config too: it gives the markdown pipeline the words it writes into chapters (the notes' heading).
const codeFiles = [
  ...filesUnder(SRC, (p) => /\.(ts|astro)$/.test(p) && !p.startsWith(I18N + sep) && !p.includes(`${sep}content${sep}`)),
  join(SRC, '../astro.config.mjs'),
];
const sources = new Map(codeFiles.map((path) => [rel(path), readFileSync(path, 'utf8')]));

// ── Keys ─────────────────────────────────────────────────────────────────────────────────────────

/** Keys built from data rather than written out: these patterns name every one the code builds. */
function isDynamicKey(key: string): boolean {
  const [kind, name = '', ...rest] = key.split('.');
  if (kind === 'caption') return widgetNames.includes(name) && rest.length === 0;
  if (kind === 'chapter' && chapterSlugs.includes(name)) return rest.length === 1 && ['title', 'teaser', 'inThis'].includes(rest[0] ?? '');
  // Every diagram has an alt text and a caption (Diagram.astro); its other words are parts it quotes.
  if (kind === 'diagram') return diagramWords.has(name) && (['alt', 'caption'].includes(rest.join('.')) || diagramWords.has(rest.join('.')));
  if (kind === 'title' || kind === 'summary') return Object.hasOwn(experiments, name) && rest.length === 0;
  if (kind === 'param') {
    const experiment: AnyExperiment | undefined = isExperimentName(name) ? experiments[name] : undefined;
    const [param = '', suffix, ...more] = rest;
    const spec = experiment?.params[param];
    if (spec === undefined || more.length > 0) return false;
    return suffix === undefined || suffix === 'help' || (spec.type === 'enum' && spec.options.includes(suffix));
  }
  return false;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

describe('the message file', () => {
  it('has every key the code asks for', () => {
    const missing: string[] = [];
    for (const [file, text] of sources) {
      for (const match of text.matchAll(/\b(?:t|msg)\(\s*'([^']+)'/g)) {
        const key = match[1] ?? '';
        if (!Object.hasOwn(english, key)) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('holds no key that nothing uses', () => {
    // A key is used where the code quotes it whole (in a message call, or in a table the code passes to one).
    const quoted = new Set<string>();
    for (const text of sources.values()) for (const match of text.matchAll(/['"`]([\w.-]+)['"`]/g)) quoted.add(match[1] ?? '');
    const dead = Object.keys(english).filter((key) => !quoted.has(key) && !isDynamicKey(key));
    expect(dead).toEqual([]);
  });

  it('gives every widget a caption', () => {
    expect(widgetNames.length).toBeGreaterThan(10);
    expect(widgetNames.filter((name) => !Object.hasOwn(english, `caption.${name}`))).toEqual([]);
  });

  it('gives every chapter a title and a teaser', () => {
    expect(chapterSlugs.length).toBeGreaterThanOrEqual(5);
    const missing = chapterSlugs.flatMap((slug) => ['title', 'teaser'].map((part) => `chapter.${slug}.${part}`)).filter((key) => !Object.hasOwn(english, key));
    expect(missing).toEqual([]);
  });

  it('has translations with the same keys and placeholders as English', () => {
    const problems: string[] = [];
    for (const name of readdirSync(I18N).filter((n) => n.endsWith('.json') && n !== 'en.json')) {
      const catalog = JSON.parse(readFileSync(join(I18N, name), 'utf8')) as Record<string, string>;
      for (const [key, text] of Object.entries(catalog)) {
        if (!Object.hasOwn(english, key) && !isDynamicKey(key)) problems.push(`${name}: unknown key ${key}`);
        else if (Object.hasOwn(english, key) && placeholders(text).join() !== placeholders(english[key] ?? '').join()) {
          problems.push(`${name}: ${key} has placeholders {${placeholders(text).join('}, {')}}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

// ── Inline strings ───────────────────────────────────────────────────────────────────────────────

/** Calls whose string arguments are code (keys, selectors, event and attribute names), not text. */
const CODE_CALLS = new Set([
  't',
  'msg',
  'tOptional',
  'isMessageKey',
  'querySelector',
  'querySelectorAll',
  'closest',
  'matches',
  'addEventListener',
  'removeEventListener',
  'getPropertyValue',
  'setProperty',
  'createElement',
  'createElementNS',
  'getContext',
  'toDataURL',
  'toBlob',
  'getAttribute',
  'hasAttribute',
  'removeAttribute',
  'waitForSelector',
  'require',
]);

/** Calls whose arguments are messages for developers (invariant failures, build logs), not readers. */
const DEVELOPER_CALLS = new Set(['AtlasError', 'Error', 'TypeError', 'RangeError', 'warn', 'error', 'log', 'info', 'debug', 'fail', 'missing']);

/** Where a lone word is UI text: properties, attributes and helpers that put a string on screen. */
const TEXT_PROPERTIES = new Set(['textContent', 'innerText', 'title', 'placeholder', 'alt', 'ariaLabel', 'ariaDescription', 'label']);
const TEXT_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'title', 'alt', 'placeholder']);
/** In a template, also the props of the site's components that end up on screen or in <head> (Base's title and description, RichText's text) and the attributes that show a value. */
const MARKUP_TEXT_ATTRIBUTES = new Set([...TEXT_ATTRIBUTES, 'description', 'text', 'label', 'content', 'value']);
/** Helpers and DOM calls that show a string argument, by position ('all', or indexes; −1 is the last). */
const TEXT_CALLS: ReadonlyMap<string, 'all' | readonly number[]> = new Map<string, 'all' | readonly number[]>([
  ['append', 'all'],
  ['prepend', 'all'],
  ['replaceChildren', 'all'],
  ['before', 'all'],
  ['after', 'all'],
  ['createTextNode', [0]],
  ['Option', [0]],
  ['setRichText', [1]],
  ['richNodes', [0]],
  ['el', [2]],
  ['legendItem', [2]],
  ['panel', [-1]],
  ['placeholder', [0]],
  ['placeholderFigure', [2]],
  ['toggleGroup', [0, 4]],
  ['field', [2]],
]);

function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return '';
}

/** The expression a literal's value flows into, through conditionals, parentheses, `??`, `+`, the right of `&&` and templates. */
function valueContext(node: ts.Node): ts.Node {
  let at: ts.Node = node;
  for (;;) {
    const parent = at.parent;
    if (
      ts.isParenthesizedExpression(parent) ||
      (ts.isConditionalExpression(parent) && parent.condition !== at) ||
      (ts.isBinaryExpression(parent) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.PlusToken].includes(parent.operatorToken.kind)) ||
      (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && parent.right === at) ||
      ts.isTemplateSpan(parent) ||
      ts.isTemplateExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isArrayLiteralExpression(parent) ||
      (ts.isArrowFunction(parent) && parent.body === at)
    ) {
      at = parent;
      continue;
    }
    return at;
  }
}

/** The template attribute (or component prop) a literal's value is given to, if any: `class="…"`, `title={cond ? '…' : '…'}`. */
function jsxAttributeOf(node: ts.Node): string | undefined {
  const at = valueContext(node);
  const owner = ts.isJsxExpression(at.parent) ? at.parent.parent : at.parent;
  return ts.isJsxAttribute(owner) ? owner.name.getText() : undefined;
}

/** True where the literal is code: a module name, a key, a property name, a type, a compared value, a class or href in a template. */
function isCode(node: ts.Node): boolean {
  const parent = node.parent;
  const attribute = jsxAttributeOf(node);
  if (attribute !== undefined) return !MARKUP_TEXT_ATTRIBUTES.has(attribute);
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isLiteralTypeNode(parent) || ts.isExternalModuleReference(parent)) return true;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === node) return true;
  if (ts.isElementAccessExpression(parent) && parent.argumentExpression === node) return true;
  if (ts.isCaseClause(parent)) return true;
  if (ts.isBinaryExpression(parent) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.InKeyword].includes(parent.operatorToken.kind)) return true;
  for (let at: ts.Node = node; at.parent !== undefined; at = at.parent) {
    const p = at.parent;
    if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== at) {
      const name = calleeName(p);
      if (DEVELOPER_CALLS.has(name)) return true;
      if (CODE_CALLS.has(name) && p.arguments?.[0] === at) return true;
      if (ts.isCallExpression(p) && p.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
      return false;
    }
    if (ts.isStatement(p) || ts.isFunctionLike(p)) return false;
  }
  return false;
}

/** Where a lone word would be shown to the reader (see TEXT_*). */
function isTextSink(node: ts.Node): boolean {
  const at = valueContext(node);
  const parent = at.parent;
  // In a template: a text attribute or prop (isCode has already passed over the others), or an expression whose value is rendered.
  if (jsxAttributeOf(node) !== undefined || ts.isJsxExpression(parent)) return true;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === at) {
    return ts.isPropertyAccessExpression(parent.left) && TEXT_PROPERTIES.has(parent.left.name.text);
  }
  if (ts.isPropertyAssignment(parent) && parent.initializer === at) {
    return (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name)) && TEXT_PROPERTIES.has(parent.name.text);
  }
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    const name = calleeName(parent);
    if (name === 'setAttribute') {
      const attribute = parent.arguments?.[0];
      return parent.arguments?.[1] === at && attribute !== undefined && ts.isStringLiteral(attribute) && TEXT_ATTRIBUTES.has(attribute.text);
    }
    // Plot.text([...]) draws its data as text.
    if (name === 'text' && parent.arguments?.[0] === at) return true;
    const positions = TEXT_CALLS.get(name);
    if (positions === undefined) return false;
    if (positions === 'all') return true;
    const args = parent.arguments ?? ts.factory.createNodeArray();
    const index = args.indexOf(at as ts.Expression);
    return positions.some((p) => (p < 0 ? args.length + p : p) === index);
  }
  return false;
}

/** The papers' symbols (t_S, τ_mem, Λ_{data}) are notation, not words. */
const SYMBOL = /[A-Za-zα-ωΑ-Ω]\u0302?_(\{[^}]+\}|[A-Za-z0-9]+)/g;
const WORD = /^[(“"'[]*[A-Za-z][A-Za-z]+[)”"'\],.:;!?…]*$/;

function wordsIn(text: string): number {
  return text
    .replace(SYMBOL, ' ')
    .split(/\s+/)
    .filter((token) => WORD.test(token)).length;
}

/** A literal's text with `\0` where a template substitutes a value. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join('\0');
  return undefined;
}

interface Finding {
  where: string;
  text: string;
}

/**
 * String literals in a TypeScript source that hold English: two or more words anywhere, or one word
 * where the reader sees it. In TSX (an Astro template), text between tags counts at one word too.
 */
function inlineText(fileName: string, source: string, kind = ts.ScriptKind.TS): Finding[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const found: Finding[] = [];
  const report = (node: ts.Node, text: string): void => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    found.push({ where: `${fileName}:${line + 1}`, text });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node)) {
      const text = node.text.replace(/\s+/g, ' ').trim();
      if (wordsIn(text) > 0 && !ALLOWED.has(text)) report(node, text);
      return;
    }
    const text = literalText(node);
    if (text !== undefined && !isCode(node) && !ALLOWED.has(text)) {
      const words = wordsIn(text.replace(/\0/g, ' '));
      if (words >= 2 || (words === 1 && isTextSink(node))) report(node, text);
    }
    // A template's pieces are judged as one text, above.
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
    else for (const span of node.templateSpans) visit(span.expression);
  };
  visit(file);
  return found;
}

const newlinesOf = (text: string): string => text.replace(/[^\n]/g, '');

/**
 * An Astro file's English. Its frontmatter and its <script>s are TypeScript, checked as above; its
 * template is read as TSX, which it nearly is once scripts, styles, comments and the doctype are
 * blanked out. So words between tags, in literal text attributes and props, and in strings its
 * `{…}` expressions render are found however deep the markup sits inside expressions (a list built
 * with `.map`, a footer behind a condition). A template the parser cannot read is reported, not
 * skipped. Findings keep the .astro file's line numbers.
 */
function inlineMarkup(fileName: string, source: string): Finding[] {
  const fence = /^---\r?\n([\s\S]*?)^---$/m.exec(source);
  const frontmatter = fence === null || fence.index !== 0 ? '' : `\n${fence[1] ?? ''}`;
  const templateStart = frontmatter === '' ? 0 : (fence?.[0].length ?? 0);
  const scripts = [...source.matchAll(/(<script\b[^>]*>)([\s\S]*?)<\/script>/g)].map(
    (m) => `${newlinesOf(source.slice(0, (m.index ?? 0) + (m[1] ?? '').length))}${m[2] ?? ''}`,
  );
  const template = source
    .slice(templateStart)
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g, newlinesOf)
    .replace(/<!--[\s\S]*?-->/g, newlinesOf)
    .replace(/<!doctype[^>]*>/i, '');
  const tsx = `${newlinesOf(source.slice(0, templateStart))}<>${template}</>;`;
  const { diagnostics = [] } = ts.transpileModule(tsx, {
    fileName: `${fileName}.tsx`,
    reportDiagnostics: true,
    compilerOptions: { jsx: ts.JsxEmit.Preserve },
  });
  const unreadable = diagnostics.map((d) => ({
    where: `${fileName}:${d.file === undefined || d.start === undefined ? '?' : d.file.getLineAndCharacterOfPosition(d.start).line + 1}`,
    text: `template not readable as TSX: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
  }));
  return [
    ...inlineText(fileName, frontmatter),
    ...scripts.flatMap((script) => inlineText(fileName, script)),
    ...unreadable,
    ...inlineText(fileName, tsx, ts.ScriptKind.TSX),
  ];
}

describe('UI text in the code', () => {
  it('comes from the message file, not from string literals', () => {
    // Every source: pages, layouts, components, scripts. Chapter prose (content/*.mdx) and the
    // performance page's body (docs/performance.md) are texts, translated as files, and not read here.
    const found: Finding[] = [];
    for (const [file, text] of sources) {
      found.push(...(file.endsWith('.astro') ? inlineMarkup(file, text) : inlineText(file, text)));
    }
    expect(found.map((f) => `${f.where}: ${JSON.stringify(f.text)}`)).toEqual([]);
  });

  it('would catch a widget that writes English itself', () => {
    // The guard's own check: the forms a view would use to put English on screen.
    const view = [
      "el.textContent = 'Some English';",
      "label.textContent = 'Axis:';",
      "legendItem('dot', 'var(--sample)', 'samples');",
      "node.setAttribute('aria-label', 'Time axis');",
      'const text = `${n} samples were drawn`;',
      "Plot.plot({ x: { label: 'time t →' } });",
      "Plot.text(['generated'], { x: 1 });",
      "const note = ok ? 'all good here' : msg('key');",
    ];
    expect(view.map((line) => inlineText('view.ts', line).length)).toEqual(view.map(() => 1));
    // …and leaves code and notation alone.
    const code = [
      "el.className = 'figure-stage speciation-stage';",
      "svg.setAttribute('role', 'img');",
      "el.addEventListener('click', () => undefined);",
      "Plot.text(['t_S'], { fill: 'var(--muted)', textAnchor: 'start' });",
      "Plot.plot({ x: { label: 'x₁' } });",
      "const label = msg('speciation.axis.label');",
      "throw new AtlasError('internal', `the result has no field “${key}”`);",
      "if (kind === 'gaussian') draw();",
      "import { t as msg } from '../i18n/messages.ts';",
    ];
    expect(code.flatMap((line) => inlineText('view.ts', line))).toEqual([]);
  });

  it('would catch a page, layout or component that writes English into its template', () => {
    const templates = [
      '<p>Read the chapter</p>',
      // Markup inside expressions: a list built with .map, a footer behind a condition.
      "{chapters.map((c) => <li><span class=\"badge\">coming</span>{c.number}</li>)}",
      '{!bare && (<footer><p>Every figure runs in your browser. <a href="/diagnostics/">{t(\'x\')}</a></p></footer>)}',
      '<Base title="Diagnostics" description={t(\'x\')}><slot /></Base>',
      '<button aria-label="Close" type="button">×</button>',
      '<meta name="description" content="Interactive chapters" />',
      "<p class=\"number\">{live ? 'live' : t('x')}</p>",
      "---\nconst heading = 'Not found';\n---\n<h1>{heading}</h1>",
      "<p>{t('x')}</p>\n<script>\n  document.title = 'Some English';\n</script>",
    ];
    expect(templates.map((source) => inlineMarkup('page.astro', source).length)).toEqual(templates.map(() => 1));
    // …and leaves markup that is code alone.
    const markup = [
      "<li class:list={['chapter', status]} data-chapter={slug} data-chapter-status={status}>{t('x')}</li>",
      '<div class="widget wide" data-copy-from="[data-share-permalink]" hidden></div>',
      "<p>{t('a')} <a href=\"/performance/\">{t('b')}</a> ·{' '}→</p>",
      '<img src="/favicon.svg" alt="" width="24" height="24" />',
      "{status === 'coming' ? <span class=\"badge\" /> : null}",
      "<!doctype html>\n<!-- A comment says why, in English. -->\n<html lang={locale}><style>.a { color: red; }</style></html>",
      "---\nimport Base from '../layouts/Base.astro';\nif (x === undefined) throw new Error(`no chapter “${slug}”`);\n---\n<Base title={t('x')} description={t('y')} />",
    ];
    expect(markup.flatMap((source) => inlineMarkup('page.astro', source))).toEqual([]);
  });
});
