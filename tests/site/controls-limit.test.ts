import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultsOf, getExperiment } from '@diffusion-atlas/core';
import { renderControls } from '@diffusion-atlas/site/widgets/host/controls.ts';
import { controlLimit } from '@diffusion-atlas/site/widgets/host/reachable.ts';

/*
 * The K slider of low-rank-mixture in a server-side DOM: bounded by the rules, it emits the bound
 * for any position past it, says why beside it, and lets go once the rule no longer binds.
 */

const GLOBALS = ['document', 'HTMLElement', 'HTMLInputElement', 'HTMLSelectElement', 'Event'] as const;
const saved = new Map<string, PropertyDescriptor | undefined>();

beforeAll(() => {
  const dom = parseHTML('<!doctype html><html lang="en"><body><form></form></body></html>');
  // linkedom lacks htmlFor (on <label> a string, on <output> a token list over `for`); the controls use both.
  const outputProto: object = Object.getPrototypeOf(dom.document.createElement('output'));
  if (!('htmlFor' in outputProto)) {
    Object.defineProperty(outputProto, 'htmlFor', {
      get(this: Element) {
        return { add: (id: string) => this.setAttribute('for', id) };
      },
      // <label> shares the prototype here, and sets it as a string.
      set(this: Element, id: string) {
        this.setAttribute('for', id);
      },
    });
  }
  for (const name of GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, { value: Reflect.get(dom, name), configurable: true, writable: true });
  }
});

afterAll(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor === undefined) Reflect.deleteProperty(globalThis, name);
    else Object.defineProperty(globalThis, name, descriptor);
  }
});

describe('a bounded slider', () => {
  it('holds K at ⌊d/r⌋ = 3 for orthogonal subspaces in d = 3, says why, and frees it without orthogonality', () => {
    const lrm = getExperiment('low-rank-mixture');
    const values: Record<string, unknown> = { ...defaultsOf(lrm.params) };
    const form = document.querySelector('form');
    if (!(form instanceof HTMLElement)) throw new Error('no form');
    const emitted: unknown[] = [];
    const panel = renderControls(form, lrm.params, ['K'], values, 'lrm', (_key, value) => emitted.push(value));
    const slider = form.querySelector('input[name=K]');
    const note = form.querySelector('[data-limit-for=K]');
    if (!(slider instanceof HTMLInputElement) || !(note instanceof HTMLElement)) throw new Error('no slider');
    const drag = (position: number): void => {
      slider.value = String(position);
      slider.dispatchEvent(new Event('input'));
    };

    panel.limit('K', controlLimit(lrm, values, 'K'));
    expect(note.hidden).toBe(false);
    // The rule and what it holds fixed, not core's message at the refused K = 4 ("got K·r = 4").
    expect(note.textContent).toBe('At most 3 here: K·r ≤ d when orthogonal, with r = 1, d = 3, orthogonal = true');
    drag(6);
    drag(5);
    drag(2);
    // 6 is held at 3; 5 is held at 3 too, which is no change; 2 goes through.
    expect(emitted).toEqual([3, 2]);

    panel.limit('K', controlLimit(lrm, { ...values, orthogonal: false }, 'K'));
    expect(note.hidden).toBe(true);
    drag(6);
    expect(emitted).toEqual([3, 2, 6]);
  });

  it('curse: the d_max slider starts above d_min and says so with d_min as it stands, never quoting a d_max the reader did not choose', () => {
    const curse = getExperiment('curse');
    const values: Record<string, unknown> = { ...defaultsOf(curse.params) };
    const form = document.querySelector('form');
    if (!(form instanceof HTMLElement)) throw new Error('no form');
    form.replaceChildren();
    const panel = renderControls(form, curse.params, ['dMin', 'dMax'], values, 'curse', () => undefined);
    const note = form.querySelector('[data-limit-for=dMax]');
    if (!(note instanceof HTMLElement)) throw new Error('no note');
    panel.limit('dMax', controlLimit(curse, values, 'dMax'));
    expect(values['dMax']).toBe(4096);
    // dMin = 2 by default, so dMax ≥ 3; the old note read "dMin (2) must be smaller than dMax (2)" under a slider at 4096.
    expect(note.textContent).toBe('At least 3 here: dMin < dMax, with dMin = 2');
    panel.limit('dMax', controlLimit(curse, { ...values, dMin: 100 }, 'dMax'));
    expect(note.textContent).toBe('At least 101 here: dMin < dMax, with dMin = 100');
  });
});

