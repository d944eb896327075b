import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../../packages/core/src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('core is pure math', () => {
  it.each(files(root).map((f) => [f.slice(root.length + 1), f]))('%s uses no DOM, Node, worker or gpu.js API and no Math.random', (_, f) => {
    const src = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    // globals are looked for in code only: a string such as the experiment name 'training-window' is fine
    const code = src.replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, "''");
    expect(code).not.toMatch(/\b(document|window|navigator|localStorage|postMessage)\b/);
    expect(src).not.toMatch(/from ['"](node:|gpu\.js|comlink)/);
    expect(src).not.toMatch(/\bprocess\./);
    expect(src).not.toMatch(/Math\.random/);
  });
});
