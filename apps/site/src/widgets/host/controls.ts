import { coerceParams, describeRange, formatParamText, type ParamSpec, type ParamSpecs } from '@diffusion-atlas/core';
import { t, tOptional } from '../../i18n/messages.ts';
import { formatValue } from '../kit/format.ts';
import type { ControlLimit, LimitReason } from './reachable.ts';
import type { ParamValues } from './url-state.ts';

/** Positions on a log-scale slider: fine enough that neighbouring integers stay reachable at the low end. */
const LOG_POSITIONS = 240;
/** Integer ranges wider than this get a number field: a slider could not hit every value. */
const MAX_SLIDER_SPAN = 10_000;

export interface ControlPanel {
  /** Show values set from outside (URL state) without firing change events. */
  setValues(values: ParamValues): void;
  /** Show an error beside a control; false when no control of that name exists here. */
  showError(param: string, message: string): boolean;
  clearErrors(): void;
  /**
   * Bound a numeric control to the values the experiment's rules allow with the others as they
   * are, and say beside it why the rest are out of reach; null lifts the bound.
   */
  limit(param: string, limit: ControlLimit | null): void;
}

/** Optional extras; absent, every control is live and labelled from the spec. */
export interface ControlOptions {
  /** Parameters shown but fixed (an embed's `lock`): the control is disabled and says why. */
  locked?: ReadonlySet<string>;
  /** The experiment's name, for translated labels (`param.<experiment>.<name>` in the message file). */
  experiment?: string;
}

type Emit = (key: string, value: unknown) => void;
type Warn = (message: string) => void;

interface Control {
  set(value: unknown): void;
  /** Present on the controls a rule can bound (sliders). */
  bound?(min: number, max: number): void;
  error: HTMLElement;
  note: HTMLElement;
}

/**
 * Build native, labelled controls for the named parameters. Everything a control needs (type,
 * range, scale, labels) comes from the experiment's param specs.
 */
export function renderControls(
  host: HTMLElement,
  specs: ParamSpecs,
  names: readonly string[],
  values: ParamValues,
  idPrefix: string,
  onChange: Emit,
  options: ControlOptions = {},
): ControlPanel {
  const controls = new Map<string, Control>();
  // Enter in a lone text field would submit the form and reload the page.
  host.addEventListener('submit', (event) => event.preventDefault());
  for (const name of names) {
    const spec = specs[name];
    if (spec === undefined) continue;
    const id = `${idPrefix}-${name}`;
    const row = document.createElement('div');
    row.className = `control control-${spec.type}`;
    row.dataset['control'] = name;

    // Labels, option labels and help come from core's specs (shared with the CLI), overridable per locale.
    const text = (suffix: string, fallback: string): string =>
      options.experiment === undefined ? fallback : tOptional(`param.${options.experiment}.${name}${suffix}`, fallback);
    const labelText = text('', spec.label);
    const label = document.createElement('label');
    label.htmlFor = id;
    label.append(labelText);
    if (spec.symbol !== undefined) label.append(' ', symbolElement(spec.symbol));
    row.append(label);
    const locked = options.locked?.has(name) === true;

    const emit: Emit = (key, value) => {
      clearError(control);
      onChange(key, value);
    };
    const warn: Warn = (message) => showControlError(control, message);
    const input = buildInput(spec, name, id, emit, warn, { label: labelText, option: (o) => text(`.${o}`, spec.type === 'enum' ? (spec.optionLabels?.[o] ?? o) : o) });
    row.append(input.element);
    if (locked) {
      row.classList.add('is-locked');
      row.dataset['locked'] = '';
      for (const el of input.element.matches('input, select') ? [input.element] : input.element.querySelectorAll('input, select')) {
        if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) {
          el.disabled = true;
          el.setAttribute('aria-describedby', `${id}-locked`);
        }
      }
      const note = document.createElement('p');
      note.className = 'control-locked';
      note.id = `${id}-locked`;
      note.textContent = t('widget.control.locked');
      row.append(note);
    }

    // Styled as the lock note: both say, in small print, why a value cannot be chosen.
    const note = document.createElement('p');
    note.className = 'control-locked control-limit';
    note.id = `${id}-limit`;
    note.dataset['limitFor'] = name;
    note.hidden = true;
    row.append(note);

    const error = document.createElement('p');
    error.className = 'control-error';
    error.id = `${id}-error`;
    error.dataset['errorFor'] = name;
    error.setAttribute('role', 'alert');
    error.hidden = true;
    row.append(error);

    if (spec.help !== undefined) row.title = text('.help', spec.help);
    const control: Control = { set: input.set, error, note };
    if (input.bound !== undefined) control.bound = input.bound;
    input.set(values[name]);
    controls.set(name, control);
    host.append(row);
  }

  return {
    setValues(next) {
      for (const [name, control] of controls) if (name in next) control.set(next[name]);
    },
    showError(param, message) {
      const control = controls.get(param);
      if (control === undefined) return false;
      showControlError(control, message);
      return true;
    },
    clearErrors() {
      for (const control of controls.values()) clearError(control);
    },
    limit(param, limit) {
      const control = controls.get(param);
      const spec = specs[param];
      if (control?.bound === undefined || spec === undefined || (spec.type !== 'integer' && spec.type !== 'number')) return;
      const narrowed = limit !== null && limit.reasons.length > 0 && (limit.min > spec.min || limit.max < spec.max);
      control.bound(narrowed ? limit.min : spec.min, narrowed ? limit.max : spec.max);
      control.note.hidden = !narrowed;
      control.note.textContent = narrowed ? limitText(spec, limit) : '';
    },
  };
}

/** “At most 3 here: K·r ≤ d when orthogonal, with r = 1, d = 3, orthogonal = true”: the rules, and the values they hold fixed. */
function limitText(spec: ParamSpec & { type: 'integer' | 'number' }, limit: ControlLimit): string {
  const reason = limit.reasons.map(reasonText).join('; ');
  const min = formatValue(limit.min);
  const max = formatValue(limit.max);
  if (limit.min > spec.min && limit.max < spec.max) return t('widget.control.limitBetween', { min, max, reason });
  if (limit.max < spec.max) return t('widget.control.limitMax', { max, reason });
  return t('widget.control.limitMin', { min, reason });
}

function reasonText({ rule, held }: LimitReason): string {
  if (held.length === 0) return rule;
  const values = held
    .map(({ name, value }) => t('widget.control.limitHeldValue', { name, value: value === '' ? t('widget.control.limitHeldNone') : value }))
    .join(', ');
  return t('widget.control.limitReason', { rule, values });
}

function showControlError(control: Control, message: string): void {
  control.error.textContent = message;
  control.error.hidden = false;
  control.error.parentElement?.classList.add('has-error');
}

function clearError(control: Control): void {
  control.error.hidden = true;
  control.error.textContent = '';
  control.error.parentElement?.classList.remove('has-error');
}

/** Symbols like `t_min` render as t with a subscript, in the papers' italic. */
function symbolElement(symbol: string): HTMLElement {
  const v = document.createElement('var');
  const [base = symbol, sub] = symbol.split('_', 2);
  v.append(base);
  if (sub !== undefined) {
    const s = document.createElement('sub');
    s.textContent = sub;
    v.append(s);
  }
  return v;
}

interface BuiltInput {
  element: HTMLElement;
  set(value: unknown): void;
  bound?(min: number, max: number): void;
}

/** A control's words, already in the page's locale. */
interface InputTexts {
  label: string;
  option(value: string): string;
}

function buildInput(spec: ParamSpec, name: string, id: string, emit: Emit, warn: Warn, texts: InputTexts): BuiltInput {
  switch (spec.type) {
    case 'enum':
      return selectInput(spec.options, texts.option, name, id, emit);
    case 'boolean':
      return checkboxInput(name, id, emit);
    case 'integer':
    case 'number': {
      const span = spec.max - spec.min;
      if (spec.type === 'integer' && spec.scale !== 'log' && span > MAX_SLIDER_SPAN) return textInput(spec, name, id, 'numeric', emit, warn, texts.label);
      return rangeInput(spec, name, id, emit);
    }
    case 'number-list':
      return textInput(spec, name, id, 'text', emit, warn, texts.label);
  }
}

function selectInput(
  options: readonly string[],
  labelOf: (option: string) => string,
  name: string,
  id: string,
  emit: Emit,
): BuiltInput {
  const select = document.createElement('select');
  select.id = id;
  select.name = name;
  for (const option of options) select.add(new Option(labelOf(option), option));
  select.addEventListener('change', () => emit(name, select.value));
  return {
    element: select,
    set(value) {
      if (typeof value === 'string') select.value = value;
    },
  };
}

function checkboxInput(name: string, id: string, emit: Emit): BuiltInput {
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.id = id;
  box.name = name;
  box.addEventListener('change', () => emit(name, box.checked));
  return {
    element: box,
    set(value) {
      if (typeof value === 'boolean') box.checked = value;
    },
  };
}

/** Maps between a slider's position and the parameter's value, linear or logarithmic. */
interface SliderScale {
  min: number;
  max: number;
  step: number;
  toValue(position: number): number;
  toPosition(value: number): number;
}

function sliderScale(spec: ParamSpec & { type: 'integer' | 'number' }): SliderScale {
  const integer = spec.type === 'integer';
  if (spec.scale === 'log' && spec.min > 0) {
    const lo = Math.log(spec.min);
    const hi = Math.log(spec.max);
    return {
      min: 0,
      max: LOG_POSITIONS,
      step: 1,
      toValue: (p) => {
        const x = Math.exp(lo + ((hi - lo) * p) / LOG_POSITIONS);
        const v = integer ? Math.round(x) : Number(x.toPrecision(2));
        return Math.min(spec.max, Math.max(spec.min, v));
      },
      toPosition: (v) => Math.round(((Math.log(Math.max(v, spec.min)) - lo) / (hi - lo)) * LOG_POSITIONS),
    };
  }
  const step = integer ? 1 : spec.type === 'number' && spec.step !== undefined ? spec.step : (spec.max - spec.min) / 200;
  return {
    min: spec.min,
    max: spec.max,
    step,
    toValue: (p) => (integer ? Math.round(p) : Number(p.toPrecision(6))),
    toPosition: (v) => v,
  };
}

function rangeInput(spec: ParamSpec & { type: 'integer' | 'number' }, name: string, id: string, emit: Emit): BuiltInput {
  const scale = sliderScale(spec);
  const wrap = document.createElement('div');
  wrap.className = 'range';
  const range = document.createElement('input');
  range.type = 'range';
  range.id = id;
  range.name = name;
  range.min = String(scale.min);
  range.max = String(scale.max);
  range.step = String(scale.step);
  const output = document.createElement('output');
  output.htmlFor.add(id);
  output.dataset['readoutFor'] = name;
  wrap.append(range, output);

  let current = spec.default;
  // The rules' bounds, inside the spec's: the track keeps its scale, the thumb stops at them.
  let lo = spec.min;
  let hi = spec.max;
  const show = (value: number): void => {
    current = value;
    const text = formatValue(value) + (spec.unit === undefined ? '' : ` ${spec.unit}`);
    output.textContent = text;
    // A log slider's raw position means nothing to a screen reader; announce the value instead.
    range.setAttribute('aria-valuetext', text);
  };
  range.addEventListener('input', () => {
    const raw = scale.toValue(Number(range.value));
    const value = Math.min(hi, Math.max(lo, raw));
    if (value !== raw) range.value = String(scale.toPosition(value));
    if (value === current) return;
    show(value);
    emit(name, value);
  });
  return {
    element: wrap,
    set(value) {
      if (typeof value !== 'number') return;
      range.value = String(scale.toPosition(value));
      show(value);
    },
    bound(min, max) {
      lo = min;
      hi = max;
      range.dataset['min'] = String(min);
      range.dataset['max'] = String(max);
      if (min > spec.min || max < spec.max) range.setAttribute('aria-describedby', `${id}-limit`);
      else range.removeAttribute('aria-describedby');
    },
  };
}

/** A free text field for values a slider cannot express (seeds, lists); parsed like the URL. */
function textInput(spec: ParamSpec, name: string, id: string, inputMode: 'numeric' | 'text', emit: Emit, warn: Warn, label: string): BuiltInput {
  const input = document.createElement('input');
  input.type = 'text';
  input.id = id;
  input.name = name;
  input.inputMode = inputMode;
  input.spellcheck = false;
  input.autocomplete = 'off';
  input.setAttribute('aria-describedby', `${id}-error`);
  // The range is described by core, in the CLI's words.
  input.title = t('widget.control.range', { label, range: describeRange(spec) });
  let current: unknown = spec.default;
  const commit = (): void => {
    const { params, notices } = coerceParams({ [name]: spec }, { [name]: input.value });
    const value = params[name];
    const notice = notices[0];
    if (notice !== undefined) input.value = formatParamText(spec, value);
    if (formatParamText(spec, value) === formatParamText(spec, current)) {
      if (notice !== undefined) warn(notice.message);
      return;
    }
    current = value;
    emit(name, value);
    // Emitting clears the control's error; say afterwards what was adjusted.
    if (notice !== undefined) warn(notice.message);
  };
  input.addEventListener('change', commit);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') commit();
  });
  return {
    element: input,
    set(value) {
      current = value;
      input.value = formatParamText(spec, value);
    },
  };
}
